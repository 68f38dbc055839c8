import assert from 'node:assert/strict';
import { after, afterEach, before, describe, test } from 'node:test';
import {
  launchBrowser, openUser, press, release, selfId, startServer, talkAndBeHeard, waitConnected,
} from './harness.mjs';
import { createTestHost } from './netns.mjs';

// A phone that loses its network: the talker's browser runs on its own test host, whose link is silently dropped.
// Keep-alive is 1 s and the timeout 3 s here (the client takes both from the Join result), so both sides notice
// a 5 s outage while it lasts, as a phone on a flaky network would.
const settings = { KeepAliveInterval: '00:00:01', ClientTimeoutInterval: '00:00:03' };

/** Records, inside the page, the most list entries ever shown at once for one name. */
function watchEntries(page, name) {
  return page.evaluate((who) => {
    const list = document.getElementById('participants');
    const count = () => [...list.querySelectorAll('.who')].filter((e) => e.textContent === who).length;
    window.__most = count();
    new MutationObserver(() => { window.__most = Math.max(window.__most, count()); }).observe(list, { childList: true, subtree: true, characterData: true });
  }, name);
}

describe('outages on a phone-like link', () => {
  let host;
  let server;
  let remoteBrowser;
  let browser;
  const contexts = [];

  before(async () => {
    host = await createTestHost('walkie-out');
    browser = await launchBrowser();
  });

  afterEach(async () => {
    await host.restore().catch(() => {});
    await Promise.all(contexts.splice(0).map((c) => c.close().catch(() => {})));
    await remoteBrowser?.close();
    remoteBrowser = null;
    await server?.stop();
    server = null;
  });

  after(async () => {
    await browser?.close();
    await host?.destroy();
  });

  const start = async (extra = {}) => {
    server = await startServer({ bind: ['127.0.0.1', host.hostAddress], settings: { ...settings, ...extra } });
    remoteBrowser = await launchBrowser({ netns: host, secureOrigins: [server.urls[1]] });
    const a = await openUser(remoteBrowser, server.urls[1], { name: 'A', channel: 'outage' });
    const b = await openUser(browser, server.url, { name: 'B', channel: 'outage' });
    contexts.push(a.context, b.context);
    await Promise.all([waitConnected(a, 1), waitConnected(b, 1)]);
    await watchEntries(b.page, 'A');
    return { a, b };
  };

  test('a talker blackholed for 5 s: the floor is freed meanwhile, and they come back as themselves, never twice', async () => {
    const { a, b } = await start();
    const id = await selfId(a);
    await press(a);
    await b.page.getByText('A is talking').waitFor({ timeout: 2000 });

    await host.blackhole();
    const cut = Date.now();
    // The server notices within its 3 s timeout: the floor is freed for the others and A shows as away.
    await b.page.getByText('Channel clear').waitFor({ timeout: 5000 });
    await b.page.locator(`#participants li[data-id="${id}"][data-away="true"]`).waitFor({ timeout: 1000 });
    console.log(`floor freed for the others ${Date.now() - cut} ms into the outage`);
    const left = 5000 - (Date.now() - cut);
    assert.ok(left > 0, 'the floor was freed only after the outage ended');
    await new Promise((r) => setTimeout(r, left));

    await host.restore();
    const restored = Date.now();
    await a.page.getByRole('status').filter({ hasText: 'Connected · 2 people' }).waitFor({ timeout: 5000 });
    await b.page.locator(`#participants li[data-id="${id}"][data-away="false"]`).waitFor({ timeout: 2000 });
    console.log(`A was back in the channel, as ${id} again, ${Date.now() - restored} ms after the link came back`);
    assert.equal(await selfId(a), id);
    assert.equal(await b.page.evaluate(() => window.__most), 1, 'B saw A listed twice');
    // A let go of the button they held through the outage, and talks again.
    await release(a);
    await talkAndBeHeard(a, b);
  });

  test('an outage longer than the grace: the others see them go, and they rejoin under their name', async () => {
    const { a, b } = await start({ 'Resume:Grace': '00:00:03' });
    const id = await selfId(a);
    await host.blackhole();
    // Noticed within about 4 s, then 3 s of grace: gone for the others after about 7 s.
    await b.page.locator(`#participants li[data-id="${id}"]`).waitFor({ state: 'detached', timeout: 10000 });
    await b.page.getByRole('status').filter({ hasText: 'Connected · 1 person' }).waitFor({ timeout: 1000 });

    await host.restore();
    const restored = Date.now();
    await a.page.getByRole('status').filter({ hasText: 'Connected · 2 people' }).waitFor({ timeout: 5000 });
    console.log(`A was back, under a new id, ${Date.now() - restored} ms after the link came back`);
    assert.notEqual(await selfId(a), id);
    await b.page.locator('#participants .who', { hasText: /^A$/ }).waitFor({ timeout: 2000 });
    assert.equal(await b.page.evaluate(() => window.__most), 1, 'B saw A listed twice');
    await talkAndBeHeard(a, b);
  });
});
