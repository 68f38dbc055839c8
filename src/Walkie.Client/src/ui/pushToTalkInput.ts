/**
 * Turns pointer, touch, pen and Space-bar holds into press/release calls. Pointer capture keeps a hold alive when the
 * finger slides off the button; blur and hiding the page end it, so a transmission can never get stuck on.
 */
export function bindPushToTalk(button: HTMLElement, press: () => void, release: () => void): void {
  let held: 'pointer' | 'key' | null = null;

  const start = (source: 'pointer' | 'key') => {
    if (held === null) {
      held = source;
      press();
    }
  };
  const end = () => {
    if (held !== null) {
      held = null;
      release();
    }
  };

  button.addEventListener('pointerdown', (e) => {
    if (e.button !== 0) {
      return;
    }
    e.preventDefault();
    button.setPointerCapture(e.pointerId);
    start('pointer');
  });
  button.addEventListener('pointerup', end);
  button.addEventListener('pointercancel', end);
  button.addEventListener('lostpointercapture', end);
  // Long-press on touch screens opens a context menu that would steal the hold.
  button.addEventListener('contextmenu', (e) => e.preventDefault());

  const inTextField = (target: EventTarget | null) =>
    target instanceof HTMLElement && (target.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName));

  window.addEventListener('keydown', (e) => {
    if (e.code !== 'Space' || inTextField(e.target) || button.closest('[hidden]')) {
      return;
    }
    e.preventDefault();
    if (!e.repeat) {
      start('key');
    }
  });
  window.addEventListener('keyup', (e) => {
    if (e.code === 'Space' && held === 'key') {
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
