import { describe, expect, it } from 'vitest';
import { isAppPage, prefersCachedPage, strategyFor } from './swPolicy';

const origin = 'https://walkie.example';
const shell = new Set(['/', '/index.html', '/assets/index-abc.js', '/assets/index-def.css', '/manifest.webmanifest', '/icons/icon-192.png']);
const get = (path: string, mode = 'cors') => ({ method: 'GET', mode, url: new URL(path, origin).href });

describe('strategyFor', () => {
  it('sends navigations to app pages to the network first', () => {
    expect(strategyFor(get('/', 'navigate'), origin, shell)).toBe('network-first');
    expect(strategyFor(get('/c/stage-crew', 'navigate'), origin, shell)).toBe('network-first');
    expect(strategyFor(get('/c/stage-crew?x=1', 'navigate'), origin, shell)).toBe('network-first');
  });

  it('serves precached built files from the cache', () => {
    expect(strategyFor(get('/assets/index-abc.js', 'no-cors'), origin, shell)).toBe('cache-first');
    expect(strategyFor(get('/manifest.webmanifest'), origin, shell)).toBe('cache-first');
    expect(strategyFor(get('/icons/icon-192.png', 'no-cors'), origin, shell)).toBe('cache-first');
  });

  it('leaves the hub, the health check and everything unknown to the network', () => {
    expect(strategyFor(get('/healthz'), origin, shell)).toBe('pass');
    expect(strategyFor(get('/healthz', 'navigate'), origin, shell)).toBe('pass');
    expect(strategyFor(get('/hubs/channel?id=abc'), origin, shell)).toBe('pass');
    expect(strategyFor({ method: 'POST', mode: 'cors', url: `${origin}/hubs/channel/negotiate?negotiateVersion=1` }, origin, shell)).toBe('pass');
    expect(strategyFor(get('/assets/index-old.js'), origin, shell)).toBe('pass');
    expect(strategyFor(get('/sw.js'), origin, shell)).toBe('pass');
  });

  it('leaves pages fetched by script, queries, other methods and other origins alone', () => {
    expect(strategyFor(get('/'), origin, shell)).toBe('pass');
    expect(strategyFor(get('/index.html'), origin, shell)).toBe('pass');
    expect(strategyFor(get('/assets/index-abc.js?v=2'), origin, shell)).toBe('pass');
    expect(strategyFor({ method: 'HEAD', mode: 'cors', url: `${origin}/assets/index-abc.js` }, origin, shell)).toBe('pass');
    expect(strategyFor(get('https://cdn.example/assets/index-abc.js'), origin, shell)).toBe('pass');
    expect(strategyFor(get('https://cdn.example/', 'navigate'), origin, shell)).toBe('pass');
  });
});

describe('isAppPage', () => {
  it('knows the landing page and channel links, nothing else', () => {
    expect(['/', '/index.html', '/c/crew', '/c/crew/', '/c/a%20b'].every(isAppPage)).toBe(true);
    expect(['/c/', '/c/a/b', '/healthz', '/hubs/channel', '/sw.js', '/cx/crew'].some(isAppPage)).toBe(false);
  });
});

describe('prefersCachedPage', () => {
  it('takes the cached app over a proxy that cannot reach Walkie, never over a real answer', () => {
    expect([502, 503, 504].every(prefersCachedPage)).toBe(true);
    expect([200, 304, 404, 500].some(prefersCachedPage)).toBe(false);
  });
});
