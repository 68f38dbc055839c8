/**
 * Registers the service worker that keeps the app shell for starts without a server (see sw.ts). Only in a build:
 * the dev server has no /sw.js. Browsers offer service workers only to HTTPS pages and localhost.
 */
export function registerServiceWorker(): void {
  if (!import.meta.env.PROD || !('serviceWorker' in navigator)) {
    return;
  }
  const register = () =>
    navigator.serviceWorker.register('/sw.js').catch((error: unknown) => console.warn('service worker not registered', error));
  // After the page has loaded, so precaching the shell does not compete with joining.
  if (document.readyState === 'complete') {
    void register();
  } else {
    window.addEventListener('load', () => void register(), { once: true });
  }
}
