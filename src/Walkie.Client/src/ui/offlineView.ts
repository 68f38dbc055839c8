import type { AppState } from '../store';
import { byId, setText } from './dom';

/** The "Can't reach the Walkie server" screen, rendered from the store like the rest of the view. */
export class OfflineView {
  private readonly section = byId('offline');
  private readonly retry = byId<HTMLButtonElement>('retry');
  private readonly status = byId('offline-status');
  private shown = false;

  constructor(onRetry: () => void) {
    this.retry.addEventListener('click', onRetry);
  }

  render = (s: AppState): void => {
    const show = s.view === 'offline';
    this.section.hidden = !show;
    if (!show) {
      this.shown = false;
      return;
    }
    // aria-disabled rather than disabled: a disabled button drops the keyboard focus that is on it.
    this.retry.setAttribute('aria-disabled', String(s.offline.checking));
    this.status.textContent = offlineStatus(s.offline);
    if (!this.shown) {
      this.shown = true;
      this.retry.focus();
    }
  };
}

/** The polite status under Retry; it changes on every attempt so a screen reader hears each outcome. */
export function offlineStatus({ checking, failures }: AppState['offline']): string {
  if (checking) {
    return 'Trying to reach the server…';
  }
  return failures > 1 ? `Still no answer from the server (${failures} tries).` : '';
}
