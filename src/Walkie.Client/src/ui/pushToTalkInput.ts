import type { TalkMode } from '../store';

export interface TalkInput {
  press: () => void;
  release: () => void;
  /** Latched talking: start if not talking, stop if talking. */
  toggle: () => void;
  mode: () => TalkMode;
}

// Only fields that type text own the Space bar; a checkbox, radio, slider or button does not.
const textTypes = new Set(['text', 'search', 'email', 'url', 'tel', 'password', 'number', 'date', 'time']);
export function ownsSpaceBar(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) {
    return false;
  }
  if (target.isContentEditable || target.tagName === 'TEXTAREA' || target.tagName === 'SELECT') {
    return true;
  }
  return target instanceof HTMLInputElement && textTypes.has(target.type);
}

/**
 * Turns pointer, touch, pen, keyboard and assistive-technology input into talk calls.
 * - Hold mode: a pointer or Space-bar hold talks while held. Pointer capture keeps a hold alive when the finger slides
 *   off the button; blur and hiding the page end it, so a transmission can never get stuck on.
 * - Latched mode: a tap, Enter or Space starts, the next one stops.
 * - In both modes a click that no pointer hold produced (Enter, a screen reader's activation, voice control, switch
 *   access) toggles, since those cannot hold anything.
 */
export function bindPushToTalk(button: HTMLButtonElement, input: TalkInput): void {
  let held: 'pointer' | 'key' | null = null;
  let pointerClick = false;

  const start = (source: 'pointer' | 'key') => {
    if (held === null) {
      held = source;
      input.press();
    }
  };
  const end = () => {
    if (held !== null) {
      held = null;
      input.release();
    }
  };

  button.addEventListener('pointerdown', (e) => {
    if (e.button !== 0) {
      return;
    }
    pointerClick = true;
    if (input.mode() === 'latch') {
      return;
    }
    e.preventDefault();
    button.setPointerCapture(e.pointerId);
    start('pointer');
  });
  button.addEventListener('pointerup', end);
  button.addEventListener('pointercancel', () => {
    pointerClick = false;
    end();
  });
  button.addEventListener('lostpointercapture', end);
  button.addEventListener('click', () => {
    // A hold's own click has already talked; in latched mode every click is a tap.
    const fromHold = pointerClick && input.mode() === 'hold';
    pointerClick = false;
    if (!fromHold) {
      input.toggle();
    }
  });
  // Long-press on touch screens opens a context menu that would steal the hold.
  button.addEventListener('contextmenu', (e) => e.preventDefault());

  const ownSpace = (e: KeyboardEvent) => e.code === 'Space' && !ownsSpaceBar(e.target) && !button.closest('[hidden]') && !button.disabled;
  window.addEventListener('keydown', (e) => {
    pointerClick = false;
    if (!ownSpace(e)) {
      return;
    }
    // Also keeps the Space from activating whatever has focus (a checkbox, the Leave button).
    e.preventDefault();
    if (e.repeat) {
      return;
    }
    if (input.mode() === 'latch') {
      input.toggle();
    } else {
      start('key');
    }
  });
  window.addEventListener('keyup', (e) => {
    if (e.code === 'Space' && (held === 'key' || ownSpace(e))) {
      e.preventDefault();
      end();
    }
  });
  window.addEventListener('blur', end);
  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState === 'hidden') {
      end();
    }
  });
}
