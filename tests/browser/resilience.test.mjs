import assert from 'node:assert/strict';
import { after, afterEach, before, describe, test } from 'node:test';
import {
  energyOver, freePort, inboundEnergy, launchBrowser, openUser, press, release, screenshot, SILENT, startServer, waitConnected, waitHears,
} from './harness.mjs';

describe('when things go wrong', () => {
  let browser;
  let server;
  let users = [];

  before(async () => {
    browser = await launchBrowser();
  });

  afterEach(async () => {
    await Promise.all(users.map((u) => u.context.close().catch(() => {})));
    users = [];
    await server?.stop();
  });

  after(async () => {
    await browser?.close();
  });

  const join = async (name, channel) => {
    const user = await openUser(browser, server.url, { name, channel });
    users.push(user);
    return user;
  };

  test('after a server restart on the same port both clients reconnect and audio flows again', async () => {
    const port = await freePort();
    server = await startServer({ port });
    const a = await join('A', 'restart');
    const b = await join('B', 'restart');
    await waitConnected(b, 1);

    await server.stop();
    // A graceful stop is announced as a restart; a client that missed the announcement is just reconnecting.
    await Promise.all([
      a.page.getByRole('status').filter({ hasText: /Reconnecting…|The server is restarting…/ }).waitFor({ timeout: 15000 }),
      b.page.getByRole('status').filter({ hasText: /Reconnecting…|The server is restarting…/ }).waitFor({ timeout: 15000 }),
    ]);

    server = await startServer({ port });
    await Promise.all([
      a.page.getByRole('status').filter({ hasText: 'Connected · 2 people' }).waitFor({ timeout: 15000 }),
      b.page.getByRole('status').filter({ hasText: 'Connected · 2 people' }).waitFor({ timeout: 15000 }),
    ]);
    await waitConnected(b, 1);

    const baseline = await inboundEnergy(b.page);
    await press(a);
    await b.page.getByText('A is talking').waitFor({ timeout: 2000 });
    await waitHears(b, baseline);
    await release(a);
  });

  test('a transmission longer than the transmit limit is revoked and stops reaching the listener', async () => {
    server = await startServer({ settings: { TransmitLimit: '00:00:03' } });
    const a = await join('A', 'limit');
    const b = await join('B', 'limit');
    await waitConnected(b, 1);

    const baseline = await inboundEnergy(b.page);
    const pressedAt = Date.now();
    await press(a);
    await waitHears(b, baseline);
    await a.page.getByText(/^\d+ s left$/).waitFor({ timeout: 3000 });

    // A keeps holding the button for the whole 10 s; the server ends the transmission at 3 s.
    await a.page.getByText('Time is up').waitFor({ timeout: 5000 });
    assert.ok(Date.now() - pressedAt >= 2900, 'revoked before the limit');
    assert.equal(await a.ptt.getAttribute('aria-pressed'), 'false');
    await b.page.getByText('Channel clear').waitFor({ timeout: 2000 });
    await energyOver(b, 300);
    assert.ok((await energyOver(b, 2000)) < SILENT, 'B still heard A after the revoke');
    await screenshot(a.page, 'channel-revoked-1280x800');
    const heldFor = Date.now() - pressedAt;
    if (heldFor < 10000) {
      assert.ok((await energyOver(b, 10000 - heldFor)) < SILENT, 'B heard A before A let go');
    }
    await release(a);
    await a.page.getByText('Hold the button or the Space bar to talk').waitFor({ timeout: 2000 });
  });
});

describe('the landing page', () => {
  let server;
  let browser;

  before(async () => {
    server = await startServer();
    browser = await launchBrowser();
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  test('fills the channel from the link, rejects bad input inline, and remembers the name', async () => {
    for (const viewport of [{ width: 375, height: 812 }, { width: 1280, height: 800 }]) {
      const user = await openUser(browser, server.url, { channel: 'stage-crew', viewport });
      await screenshot(user.page, `landing-${viewport.width}x${viewport.height}`);
      await user.context.close();
    }

    const user = await openUser(browser, server.url, { channel: 'bad%20channel' });
    const page = user.page;
    const sent = [];
    page.on('websocket', (ws) => sent.push(ws.url()));
    await page.getByLabel('Your name').fill('   ');
    await page.getByRole('button', { name: 'Join' }).click();
    await page.getByText('Use 1–64 letters, digits, - or _.').waitFor({ timeout: 2000 });
    await page.getByText('Use 1–32 characters.').waitFor({ timeout: 2000 });
    assert.deepEqual(sent, [], 'an invalid form opened a connection');

    await page.getByLabel('Channel', { exact: true }).fill('crew');
    await page.getByLabel('Your name').fill('Dana');
    await page.getByRole('button', { name: 'Join' }).click();
    await page.getByRole('status').filter({ hasText: 'Connected' }).waitFor({ timeout: 10000 });
    assert.match(page.url(), /\/c\/crew$/);
    await page.getByRole('button', { name: 'Leave' }).click();
    await page.getByRole('button', { name: 'Join' }).waitFor({ timeout: 2000 });
    assert.equal(await page.getByLabel('Your name').inputValue(), 'Dana');
    assert.equal(await page.getByLabel('Channel', { exact: true }).inputValue(), 'crew');

    // Joining again after leaving works with one click.
    await page.getByRole('button', { name: 'Join' }).click();
    await page.getByRole('status').filter({ hasText: 'Connected' }).waitFor({ timeout: 10000 });
    await user.context.close();
  });
});
