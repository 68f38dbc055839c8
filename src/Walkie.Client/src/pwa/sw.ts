import { prefersCachedPage, strategyFor } from './swPolicy';

// The service worker (built to /sw.js by vite.config.ts, which puts these two constants in front of it): the app
// shell is precached so an installed Walkie starts, and says so, when its server cannot be reached.
declare const WALKIE_VERSION: string;
declare const WALKIE_SHELL: string[];

// The DOM library has no service worker types, and the WebWorker library cannot sit beside it: just what is used.
interface ExtendableEvent extends Event {
  waitUntil(promise: Promise<unknown>): void;
}
interface FetchEvent extends ExtendableEvent {
  readonly request: Request;
  respondWith(response: Promise<Response>): void;
}
interface WorkerScope {
  readonly location: { readonly origin: string };
  readonly clients: { claim(): Promise<void> };
  skipWaiting(): Promise<void>;
  addEventListener(type: 'install' | 'activate', listener: (event: ExtendableEvent) => void): void;
  addEventListener(type: 'fetch', listener: (event: FetchEvent) => void): void;
}

const scope = self as unknown as WorkerScope;
const prefix = 'walkie-shell-';
const cacheName = `${prefix}${WALKIE_VERSION}`;
const shell = new Set(WALKIE_SHELL);

scope.addEventListener('install', (event) => {
  event.waitUntil(
    caches
      .open(cacheName)
      // Past the HTTP cache: the shell must be exactly what the server has now.
      .then((cache) => cache.addAll(WALKIE_SHELL.map((path) => new Request(path, { cache: 'reload' }))))
      // Pages are fetched network-first and the files are content-hashed, so an open page loses nothing when a
      // new version takes over at once.
      .then(() => scope.skipWaiting()),
  );
});

scope.addEventListener('activate', (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((names) => Promise.all(names.filter((n) => n.startsWith(prefix) && n !== cacheName).map((n) => caches.delete(n))))
      .then(() => scope.clients.claim()),
  );
});

scope.addEventListener('fetch', (event) => {
  const strategy = strategyFor(event.request, scope.location.origin, shell);
  if (strategy === 'network-first') {
    event.respondWith(page(event.request));
  } else if (strategy === 'cache-first') {
    event.respondWith(file(event.request));
  }
  // 'pass': no respondWith, so the browser fetches it itself, exactly as without a worker.
});

async function page(request: Request): Promise<Response> {
  try {
    const response = await fetch(request);
    return prefersCachedPage(response.status) ? ((await cachedApp()) ?? response) : response;
  } catch (error) {
    const cached = await cachedApp();
    if (cached) {
      return cached;
    }
    throw error;
  }
}

async function cachedApp(): Promise<Response | undefined> {
  return (await caches.open(cacheName)).match('/index.html');
}

async function file(request: Request): Promise<Response> {
  return (await (await caches.open(cacheName)).match(request)) ?? fetch(request);
}
