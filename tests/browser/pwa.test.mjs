import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { chromium } from 'playwright-core';
import { axeViolations, collectCspViolations, launchBrowser, screenshot, startServer, waitFor } from './harness.mjs';

// Walkie as an installed app: the manifest and icons browsers need to offer installing it, the service worker that
// keeps the app shell, and the app's own screen when it starts without a server.

/** Width and height from a PNG's IHDR chunk, which always comes first. */
function pngSize(bytes) {
  assert.deepEqual([...bytes.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], 'a PNG signature');
  assert.equal(bytes.toString('ascii', 12, 16), 'IHDR');
  return `${bytes.readUInt32BE(16)}x${bytes.readUInt32BE(20)}`;
}

describe('installable app and offline start', () => {
  let server;
  let browser;
  const contexts = [];

  before(async () => {
    server = await startServer();
    browser = await launchBrowser();
  });

  after(async () => {
    await Promise.all(contexts.map((c) => c.close().catch(() => {})));
    await browser?.close();
    await server?.stop();
  });

  /** A fresh browser profile with the app open at `path` and the page's CSP violations recorded. */
  async function open(path = '/c/pwa') {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    contexts.push(context);
    const page = await context.newPage();
    page.on('pageerror', (e) => console.error('page error', e));
    await page.addInitScript(collectCspViolations);
    await page.goto(`${server.url}${path}`);
    return page;
  }

  /** Opens the app and waits for its service worker to install, activate and control the page after a reload. */
  async function installed() {
    const page = await open();
    const state = () => page.evaluate(async () => (await navigator.serviceWorker.getRegistration())?.active?.state ?? null);
    await waitFor(async () => (await state()) === 'activated', { timeout: 15000, message: 'the service worker to activate' });
    await page.reload();
    await page.getByLabel('Your name').waitFor({ timeout: 5000 });
    return page;
  }

  test('the manifest describes the app, and each icon is an image of the size it declares', async () => {
    const response = await fetch(`${server.url}/manifest.webmanifest`);
    assert.equal(response.status, 200);
    assert.equal(response.headers.get('content-type'), 'application/manifest+json');
    const manifest = await response.json();
    assert.equal(manifest.name, 'Walkie');
    assert.ok(manifest.short_name && manifest.short_name.length <= 12, 'a short name that fits under an icon');
    assert.ok(manifest.description);
    assert.equal(manifest.start_url, '/');
    assert.equal(manifest.scope, '/');
    assert.equal(manifest.display, 'standalone');
    assert.equal(manifest.background_color, '#10151c');
    assert.match(manifest.theme_color, /^#[0-9a-f]{6}$/);

    const icons = manifest.icons;
    const png = (size, purpose = 'any') =>
      icons.some((i) => i.type === 'image/png' && i.sizes === size && (i.purpose ?? 'any').split(' ').includes(purpose));
    assert.ok(png('192x192') && png('512x512') && png('512x512', 'maskable'), JSON.stringify(icons));
    assert.ok(icons.some((i) => i.type === 'image/svg+xml'), 'an SVG icon');
    for (const icon of icons) {
      const answer = await fetch(new URL(icon.src, response.url));
      assert.equal(answer.status, 200, icon.src);
      assert.equal(answer.headers.get('content-type'), icon.type, icon.src);
      const bytes = Buffer.from(await answer.arrayBuffer());
      if (icon.type === 'image/png') {
        assert.equal(pngSize(bytes), icon.sizes, icon.src);
      } else {
        assert.equal(icon.sizes, 'any');
        assert.match(bytes.toString('utf8'), /^<svg [^>]*viewBox="0 0 512 512"/, icon.src);
      }
    }
  });

  test('files that keep their name are revalidated, only the hashed assets are cached for good', async () => {
    const page = await open('/');
    const assets = await page.evaluate(() =>
      [...document.querySelectorAll('script[src], link[rel=stylesheet]')].map((e) => new URL(e.src || e.href).pathname));
    assert.ok(assets.length >= 2 && assets.every((a) => a.startsWith('/assets/')), JSON.stringify(assets));
    const icon = await page.evaluate(() => document.querySelector('link[rel=apple-touch-icon]')?.getAttribute('href'));
    assert.equal(pngSize(Buffer.from(await (await fetch(`${server.url}${icon}`)).arrayBuffer())), '180x180');
    for (const path of ['/', '/c/pwa', '/sw.js', '/manifest.webmanifest', icon]) {
      assert.equal((await fetch(`${server.url}${path}`)).headers.get('cache-control'), 'no-cache', path);
    }
    for (const path of assets) {
      assert.match((await fetch(`${server.url}${path}`)).headers.get('cache-control'), /immutable/, path);
    }
  });

  test('Chromium reads the manifest without errors and finds nothing that stops installing', async () => {
    // Chromium offers no installing in incognito, and every browser.newContext() is one ("in-incognito"): this check
    // needs a browser with an ordinary profile.
    const profile = mkdtempSync(join(tmpdir(), 'walkie-profile-'));
    const context = await chromium.launchPersistentContext(profile, {
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: ['--no-first-run', '--disable-gpu', '--disable-sync', '--disable-component-update'],
    });
    try {
      const page = context.pages()[0] ?? (await context.newPage());
      await page.goto(`${server.url}/`);
      const cdp = await context.newCDPSession(page);
      const manifest = await cdp.send('Page.getAppManifest');
      assert.match(manifest.url, /\/manifest\.webmanifest$/);
      assert.deepEqual(manifest.errors, []);
      const { installabilityErrors } = await cdp.send('Page.getInstallabilityErrors');
      assert.deepEqual(installabilityErrors, []);
    } finally {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    }
  });

  test('the service worker installs, precaches the shell, and controls the page after a reload', async () => {
    const page = await installed();
    const worker = await page.evaluate(() => navigator.serviceWorker.controller?.scriptURL ?? null);
    assert.equal(worker, `${server.url}/sw.js`);
    const cached = await page.evaluate(async () => {
      const names = await caches.keys();
      const cache = await caches.open(names[0]);
      return { names, paths: (await cache.keys()).map((r) => new URL(r.url).pathname) };
    });
    assert.equal(cached.names.length, 1, JSON.stringify(cached.names));
    const shell = await page.evaluate(() =>
      [...document.querySelectorAll('script[src], link[rel=stylesheet], link[rel=manifest], link[rel=apple-touch-icon]')]
        .map((e) => new URL(e.src || e.href).pathname));
    for (const path of ['/', '/index.html', ...shell]) {
      assert.ok(cached.paths.includes(path), `${path} is precached (cached: ${cached.paths.join(' ')})`);
    }
    assert.ok(!cached.paths.some((p) => p.startsWith('/hubs/') || p === '/healthz' || p === '/sw.js'), cached.paths.join(' '));
    assert.deepEqual(await page.evaluate(() => window.__csp), []);
  });

  test('without a server a reload shows the app\'s own offline screen, and Retry carries on once it is back', async () => {
    const page = await installed();
    await server.stop();

    const response = await page.reload();
    assert.ok(response?.fromServiceWorker(), 'the page came from the service worker');
    const heading = page.getByRole('heading', { name: "Can't reach the Walkie server" });
    await heading.waitFor({ timeout: 10000 });
    assert.equal(new URL(page.url()).pathname, '/c/pwa', 'still at the channel link, not on an error page');
    const retry = page.getByRole('button', { name: 'Retry' });
    assert.ok(await retry.isVisible());
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'retry', 'Retry has the focus');
    assert.equal(await page.locator('#landing').isVisible(), false);
    assert.equal(await page.locator('#channel-view').isVisible(), false);
    // The worker leaves the health check to the network: nothing answers it from a cache.
    const health = await page.evaluate(() => fetch('/healthz', { cache: 'no-store' }).then((r) => `answered ${r.status}`, (e) => `failed: ${e.message}`));
    assert.match(health, /^failed/);
    assert.deepEqual(await page.evaluate(() => window.__csp), []);

    for (const scheme of ['dark', 'light']) {
      await page.emulateMedia({ colorScheme: scheme });
      await page.setViewportSize({ width: 375, height: 812 });
      await screenshot(page, `state-offline-phone-${scheme}`);
      await page.setViewportSize({ width: 1280, height: 800 });
      await screenshot(page, `state-offline-desktop-${scheme}`);
      assert.deepEqual(await axeViolations(page), [], `axe on the offline screen, ${scheme} theme`);
    }

    // Still down: Retry says it tried again, politely, and the screen stays.
    await retry.click();
    await page.getByRole('status').filter({ hasText: 'Still no answer from the server (2 tries).' }).waitFor({ timeout: 10000 });
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'retry', 'Retry keeps the focus');
    await screenshot(page, 'pwa-offline-retried');

    server = await startServer({ port: server.port });
    await retry.click();
    const name = page.getByLabel('Your name');
    await name.waitFor({ timeout: 10000 });
    assert.equal(await heading.isVisible(), false);
    assert.equal(await page.getByLabel('Channel', { exact: true }).inputValue(), 'pwa');
    await name.fill('Ann');
    await page.getByRole('button', { name: 'Join' }).click();
    await page.getByRole('status').filter({ hasText: 'Connected' }).waitFor({ timeout: 10000 });
  });
});
