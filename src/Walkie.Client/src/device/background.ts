import type { AppState } from '../store';

/** The tab title: the one thing visible of a background tab, so it says who talks. */
export function titleFor(s: Pick<AppState, 'view' | 'channel' | 'floor' | 'self'>): string {
  if (s.view !== 'channel') {
    return 'Walkie';
  }
  const holder = s.floor.holder;
  if (holder === null) {
    return `#${s.channel} · Walkie`;
  }
  return holder.id === s.self?.id ? '● You are talking' : `● ${holder.name} is talking`;
}

type WakeLockApi = { request(type: 'screen'): Promise<{ release(): Promise<void>; addEventListener(type: 'release', f: () => void): void }> };

/**
 * Keeps the screen on while in a channel, where the browser offers a Screen Wake Lock. Browsers drop the lock when the
 * page is hidden, so it is taken again each time the page comes back.
 */
export class ScreenWake {
  private wanted = false;
  private lock: { release(): Promise<void> } | null = null;
  private pending = false;

  constructor(
    private readonly api: WakeLockApi | undefined = (navigator as Navigator & { wakeLock?: WakeLockApi }).wakeLock,
    private readonly visible: () => boolean = () => document.visibilityState === 'visible',
  ) {
    document.addEventListener('visibilitychange', () => this.sync());
  }

  want(on: boolean): void {
    if (on !== this.wanted) {
      this.wanted = on;
      this.sync();
    }
  }

  private sync(): void {
    if (!this.api) {
      return;
    }
    if (!this.wanted) {
      const lock = this.lock;
      this.lock = null;
      void lock?.release().catch(() => {});
      return;
    }
    if (this.lock || this.pending || !this.visible()) {
      return;
    }
    this.pending = true;
    this.api.request('screen').then(
      (lock) => {
        this.pending = false;
        this.lock = lock;
        lock.addEventListener('release', () => this.lock === lock && (this.lock = null));
        if (!this.wanted) {
          this.sync();
        }
      },
      // Refused (battery saver, no user activation yet): the screen may sleep; nothing else depends on it.
      () => (this.pending = false),
    );
  }
}

/** A short buzz on grant and a triple one on refusal, where the phone can vibrate. */
export function vibrate(kind: 'granted' | 'refused'): void {
  navigator.vibrate?.(kind === 'granted' ? 40 : [60, 60, 60]);
}

/**
 * A headset's play/pause button (and the browser's microphone toggle) taps the talk button in latched mode. Browsers
 * deliver these only to a page that plays audio, and only some browsers do at all.
 */
export function bindMediaSession(tap: () => void, latched: () => boolean): void {
  if (!('mediaSession' in navigator)) {
    return;
  }
  const handler = () => latched() && tap();
  for (const action of ['play', 'pause', 'togglemicrophone'] as MediaSessionAction[]) {
    try {
      navigator.mediaSession.setActionHandler(action, handler);
    } catch {
      // An action this browser does not know.
    }
  }
}
