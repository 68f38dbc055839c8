/**
 * What the service worker does with one request. Only the app's own pages and the built files are its business:
 * everything else (the SignalR hub, /healthz, any other path) goes to the network as if there were no worker, so
 * a cache can never answer for the server.
 */
export type Strategy = 'network-first' | 'cache-first' | 'pass';

export interface RequestFacts {
  method: string;
  mode: string;
  url: string;
}

/** The paths that show the app: the landing page and channel links (see ui/route.ts). */
export function isAppPage(pathname: string): boolean {
  return pathname === '/' || pathname === '/index.html' || /^\/c\/[^/]+\/?$/.test(pathname);
}

/** `shell` holds the precached paths; `origin` is the worker's own. */
export function strategyFor(request: RequestFacts, origin: string, shell: ReadonlySet<string>): Strategy {
  const url = new URL(request.url);
  if (request.method !== 'GET' || url.origin !== origin) {
    return 'pass';
  }
  if (request.mode === 'navigate') {
    return isAppPage(url.pathname) ? 'network-first' : 'pass';
  }
  // A page fetched by script is the server's to answer; a built file is the same bytes wherever it comes from.
  return !isAppPage(url.pathname) && url.search === '' && shell.has(url.pathname) ? 'cache-first' : 'pass';
}

/**
 * Whether a page answer is worse than the cached app: a reverse proxy whose Walkie is down answers 502-504, and the
 * cached app then says so in its own words (it finds /healthz failing too) instead of the proxy's error page.
 */
export function prefersCachedPage(status: number): boolean {
  return status === 502 || status === 503 || status === 504;
}
