// Private channels end to end: a random channel and passcode made on the landing card, shared as a link whose secret
// part is in the fragment (never sent to the server), as text and as a QR code; a joiner from that link needs no
// passcode, and one who only has /c/<channel> is prompted for it on the passcode field.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import jsQR from 'jsqr';
import { PNG } from 'pngjs';
import {
  collectCspViolations, collectPeerConnections, cspViolations, launchBrowser, screenshot, startServer, talkAndBeHeard, waitFor,
} from './harness.mjs';

const desktop = { width: 1280, height: 800 };
const phone = { width: 375, height: 812 };

describe('private channels', () => {
  let server;
  let browser;
  const users = [];
  // What A's "New private channel" made and A's Share panel offered; the later tests use them.
  let channel;
  let passcode;
  let link;

  before(async () => {
    server = await startServer();
    browser = await launchBrowser();
  });

  after(async () => {
    await Promise.all(users.map((u) => u.context.close().catch(() => {})));
    await browser?.close();
    await server?.stop();
  });

  /** A person in their own browser context at `address`, recording every request and WebSocket their page opens. */
  const open = async (name, address) => {
    const context = await browser.newContext({ permissions: ['microphone'], viewport: desktop });
    context.setDefaultTimeout(10000);
    const page = await context.newPage();
    page.on('pageerror', (e) => console.error(`[${name}] page error`, e));
    await page.addInitScript(collectPeerConnections);
    await page.addInitScript(collectCspViolations);
    // Keeps every microphone track the page opens, to see which are still live.
    await page.addInitScript(() => {
      window.__mics = [];
      const open = navigator.mediaDevices.getUserMedia.bind(navigator.mediaDevices);
      navigator.mediaDevices.getUserMedia = async (constraints) => {
        const stream = await open(constraints);
        window.__mics.push(...stream.getTracks());
        return stream;
      };
    });
    const user = { name, page, context, ptt: page.locator('#ptt'), requests: [], sockets: [] };
    page.on('request', (r) => user.requests.push(r));
    page.on('websocket', (ws) => user.sockets.push(ws.url()));
    users.push(user);
    await page.goto(new URL(address, server.url).href);
    return user;
  };

  const joinAs = async (user) => {
    await user.page.getByRole('button', { name: 'Join' }).click();
    await user.page.getByRole('status').filter({ hasText: 'Connected' }).waitFor({ timeout: 10000 });
  };

  const focusedId = (page) => page.evaluate(() => document.activeElement?.id ?? '');

  const waitFocused = (page, id) =>
    waitFor(async () => (await focusedId(page)) === id, { timeout: 2000, message: `#${id} to have focus` });

  /** Screenshots at phone and desktop size, ending at desktop size. */
  const screenshots = async (page, name) => {
    await page.setViewportSize(phone);
    await screenshot(page, `${name}-375x812`);
    await page.setViewportSize(desktop);
    await screenshot(page, `${name}-1280x800`);
  };

  /** The text of the QR code in the Share panel, read from a screenshot of it as a phone's camera would. */
  const readQr = async (dialog) => {
    const png = PNG.sync.read(await dialog.getByRole('img', { name: 'QR code of the link' }).screenshot({ timeout: 5000 }));
    return jsQR(new Uint8ClampedArray(png.data), png.width, png.height)?.data;
  };

  /** Asserts a link is the fragment form: path /, no query, channel and passcode only after the #. */
  const assertFragmentLink = (href, what) => {
    const url = new URL(href);
    assert.equal(url.origin, new URL(server.url).origin, `${what}: origin`);
    assert.equal(url.pathname, '/', `${what}: the path must not name the channel`);
    assert.equal(url.search, '', `${what}: no query`);
    const params = new URLSearchParams(url.hash.slice(1));
    assert.equal(params.get('c'), channel, `${what}: channel in the fragment`);
    assert.equal(params.get('p'), passcode, `${what}: passcode in the fragment`);
  };

  test('A makes a private channel on the landing card, joins, and Share offers its fragment link as text and QR code', async () => {
    const a = await open('A', '/');
    const channelField = a.page.getByLabel('Channel', { exact: true });
    const passcodeField = a.page.getByLabel(/Passcode/);
    const newPrivate = a.page.getByRole('button', { name: 'New private channel' });

    await newPrivate.click();
    const first = { channel: await channelField.inputValue(), passcode: await passcodeField.inputValue() };
    assert.match(first.channel, /^p-[a-z2-7]{16}$/);
    assert.match(first.passcode, /^[a-z2-7]{20}$/);
    await a.page.getByRole('status').filter({ hasText: 'A private channel with a random name and passcode' }).waitFor({ timeout: 2000 });
    // No name yet: that is what to type next.
    assert.equal(await focusedId(a.page), 'name');
    await screenshots(a.page, 'private-landing');

    // With a name there, the next step is Join; and each click makes a new channel, not a fixed one.
    await a.page.getByLabel('Your name').fill('A');
    await newPrivate.click();
    channel = await channelField.inputValue();
    passcode = await passcodeField.inputValue();
    assert.notEqual(channel, first.channel);
    assert.notEqual(passcode, first.passcode);
    assert.equal(await focusedId(a.page), 'join');

    await joinAs(a);
    assert.equal(await a.page.locator('#channel-title').textContent(), channel);
    assertFragmentLink(a.page.url(), "A's address bar");

    await screenshots(a.page, 'private-channel');
    // The long random name must leave room for the buttons next to it on a phone.
    await a.page.setViewportSize(phone);
    for (const button of ['Share', 'Leave']) {
      const box = await a.page.getByRole('button', { name: button }).boundingBox();
      assert.ok(box && box.x >= 0 && box.x + box.width <= phone.width, `${button} is off a phone's screen: ${JSON.stringify(box)}`);
    }
    await a.page.setViewportSize(desktop);

    const share = a.page.getByRole('button', { name: 'Share' });
    await share.click();
    const dialog = a.page.getByRole('dialog', { name: 'Share this channel' });
    await dialog.waitFor({ timeout: 2000 });
    assert.equal(await focusedId(a.page), 'share-copy', 'focus moves into the panel, onto Copy link');
    link = (await dialog.locator('#share-link').textContent()).trim();
    assertFragmentLink(link, 'the shared link');
    await dialog.getByText('it holds the passcode').waitFor({ timeout: 2000 });

    assert.equal(await readQr(dialog), link, 'the QR code decodes to exactly the link');

    // Granting for an origin revokes whatever is not listed, so the microphone is listed again.
    await a.context.grantPermissions(['microphone', 'clipboard-read', 'clipboard-write'], { origin: new URL(server.url).origin });
    await dialog.getByRole('button', { name: 'Copy link' }).click();
    const copiedAt = Date.now();
    await dialog.getByRole('button', { name: 'Copied' }).waitFor({ timeout: 2000 });
    assert.equal(await a.page.evaluate(() => navigator.clipboard.readText()), link);
    await dialog.getByRole('button', { name: 'Copy link' }).waitFor({ timeout: 4000 });
    assert.ok(Date.now() - copiedAt >= 1500, `"Copied" reverted after ${Date.now() - copiedAt} ms, too soon to read`);
    await screenshots(a.page, 'private-share');

    // Esc closes it and gives focus back to Share; so does Close.
    await a.page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'hidden', timeout: 2000 });
    await waitFocused(a.page, 'share');
    await share.click();
    await dialog.getByRole('button', { name: 'Close' }).click();
    await dialog.waitFor({ state: 'hidden', timeout: 2000 });
    await waitFocused(a.page, 'share');
  });

  test('B opens the link, types only a name, is in and hears A; the passcode is in no request B makes', async () => {
    assert.ok(link, 'needs the link from the first test');
    const b = await open('B', link);
    assert.equal(await b.page.getByLabel('Channel', { exact: true }).inputValue(), channel);
    assert.equal(await b.page.getByLabel(/Passcode/).inputValue(), passcode);
    await b.page.getByLabel('Your name').fill('B');
    await joinAs(b);
    assertFragmentLink(b.page.url(), "B's address bar");
    await talkAndBeHeard(users[0], b);

    // What goes on the wire is the URL without its fragment, and the headers (Referer included).
    assert.ok(b.requests.some((r) => r.isNavigationRequest()), 'the page load was recorded');
    assert.ok(b.sockets.length > 0, 'the hub connection was recorded');
    for (const request of b.requests) {
      const sent = new URL(request.url());
      sent.hash = '';
      assert.ok(!sent.href.includes(passcode), `passcode in a request URL: ${sent.href}`);
      assert.ok(!sent.href.includes(channel), `channel in a request URL: ${sent.href}`);
      assert.ok(!JSON.stringify(await request.allHeaders()).includes(passcode), `passcode in the headers of ${sent.href}`);
    }
    for (const socket of b.sockets) {
      assert.ok(!socket.includes(passcode), `passcode in a WebSocket URL: ${socket}`);
    }
    assert.ok(!server.output().includes(passcode), 'the server printed the passcode');
  });

  test('C, with only /c/<channel>, is asked for the passcode on its field, not with a generic error, then gets in', async () => {
    assert.ok(passcode, 'needs the channel from the first test');
    const c = await open('C', `/c/${channel}`);
    const passcodeField = c.page.getByLabel(/Passcode/);
    assert.equal(await passcodeField.inputValue(), '');
    await c.page.getByLabel('Your name').fill('C');
    await c.page.getByRole('button', { name: 'Join' }).click();

    const prompt = c.page.locator('#passcode-error');
    await prompt.filter({ hasText: 'This channel is private: enter its passcode to join.' }).waitFor({ timeout: 5000 });
    assert.equal(await prompt.getAttribute('role'), 'alert');
    await waitFocused(c.page, 'passcode');
    assert.equal(await passcodeField.getAttribute('aria-invalid'), 'true');
    assert.equal(await c.page.locator('#join-error').textContent(), '', 'the prompt is not a generic error');
    // Refused, so the microphone it opened for the join is closed again (the browser's indicator goes off).
    assert.deepEqual(await c.page.evaluate(() => window.__mics.map((t) => t.readyState)), ['ended']);
    // Tied to the field, so a screen reader reads it with the field; and the passcode is no longer "optional".
    const describedBy = await passcodeField.getAttribute('aria-describedby');
    assert.match(await c.page.locator(`#${describedBy}`).textContent(), /enter its passcode/);
    assert.equal(await c.page.getByText('(optional)').isVisible(), false);
    await screenshots(c.page, 'private-prompt');

    // A wrong one prompts again, selected, so typing the right one replaces it.
    await passcodeField.fill('not-the-passcode');
    await c.page.getByRole('button', { name: 'Join' }).click();
    await prompt.filter({ hasText: 'That passcode is not right for this channel.' }).waitFor({ timeout: 5000 });
    await waitFocused(c.page, 'passcode');
    assert.equal(await passcodeField.getAttribute('aria-invalid'), 'true');
    await c.page.keyboard.type(passcode);
    assert.equal(await passcodeField.inputValue(), passcode);
    await joinAs(c);
    assertFragmentLink(c.page.url(), "C's address bar");

    // Leaving keeps the private channel out of the path and both fields filled, so rejoining is one click.
    await c.page.getByRole('button', { name: 'Leave' }).click();
    await c.page.getByRole('button', { name: 'Join' }).waitFor({ timeout: 5000 });
    assertFragmentLink(c.page.url(), "C's address bar after leaving");
    assert.equal(await passcodeField.inputValue(), passcode);
    assert.equal(await c.page.getByText('(optional)').isVisible(), true);

    // An open channel keeps its plain /c/<channel> address and link: its name is no secret.
    await c.page.getByLabel('Channel', { exact: true }).fill('open-crew');
    await passcodeField.fill('');
    await joinAs(c);
    assert.equal(c.page.url(), `${server.url}/c/open-crew`);
    await c.page.getByRole('button', { name: 'Share' }).click();
    const dialog = c.page.getByRole('dialog', { name: 'Share this channel' });
    await dialog.getByText('This channel has no passcode').waitFor({ timeout: 2000 });
    assert.equal((await dialog.locator('#share-link').textContent()).trim(), `${server.url}/c/open-crew`);
    assert.equal(await readQr(dialog), `${server.url}/c/open-crew`);
  });

  test('nothing tripped the Content-Security-Policy', async () => {
    assert.equal(users.length, 3);
    for (const user of users) {
      assert.deepEqual(await cspViolations(user), [], `${user.name}'s page`);
    }
  });
});
