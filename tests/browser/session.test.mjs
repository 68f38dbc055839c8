import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  inboundEnergy, launchBrowser, openUser, press, release, selfId, startServer, talkAndBeHeard, waitConnected, waitHears,
} from './harness.mjs';

describe('sessions across reloads and restarts', () => {
  let server;
  let browser;
  const users = [];

  before(async () => {
    browser = await launchBrowser();
  });

  after(async () => {
    await Promise.all(users.map((u) => u.context.close().catch(() => {})));
    await browser?.close();
    await server?.stop();
  });

  const join = async (name, channel, options = {}) => {
    const user = await openUser(browser, server.url, { name, channel, ...options });
    users.push(user);
    return user;
  };

  /** How many entries B's list has for one participant: never more than one, whatever happens. */
  const entries = (user, id) => user.page.locator(`#participants li[data-id="${id}"]`).count();

  test('a reload mid-channel comes back as the same participant, and audio flows again', async () => {
    server = await startServer();
    const a = await join('A', 'reload');
    const b = await join('B', 'reload');
    await waitConnected(b, 1);
    const id = await selfId(a);

    const reloadedAt = Date.now();
    await a.page.reload();
    await a.page.getByRole('status').filter({ hasText: 'Connected · 2 people' }).waitFor({ timeout: 5000 });
    console.log(`A was back in the channel ${Date.now() - reloadedAt} ms after the reload`);
    assert.equal(await selfId(a), id);
    assert.equal(await entries(b, id), 1);
    await b.page.locator(`#participants li[data-id="${id}"][data-away="false"]`).waitFor({ timeout: 2000 });

    await talkAndBeHeard(a, b);
    await server.stop();
  });

  for (const signal of ['SIGTERM', 'SIGKILL']) {
    test(`after ${signal} and a restart on the same port, the channel is whole again within 2 s and audio flows`, async () => {
      server = await startServer();
      const port = server.port;
      const a = await join('A', `restart-${signal}`);
      const b = await join('B', `restart-${signal}`);
      await waitConnected(b, 1);

      await server.stop(signal);
      // The page says so at once (a graceful stop is announced as a restart), and disables the button with the reason.
      const expected = signal === 'SIGTERM' ? 'The server is restarting' : 'Reconnecting';
      await a.page.getByRole('status').filter({ hasText: expected }).waitFor({ timeout: 2000 });
      assert.equal(await a.ptt.isDisabled(), true);
      await a.page.getByText('Talking is paused while Walkie reconnects').waitFor({ timeout: 1000 });

      server = await startServer({ port });
      const upAt = Date.now();
      await Promise.all([a, b].map((u) => u.page.getByRole('status').filter({ hasText: 'Connected · 2 people' }).waitFor({ timeout: 2000 })));
      console.log(`${signal}: both back and seeing each other ${Date.now() - upAt} ms after the server answered`);
      assert.equal(await a.page.locator('#participants li').count(), 2);

      await waitConnected(b, 1);
      const baseline = await inboundEnergy(b.page);
      await press(a);
      await waitHears(b, baseline);
      console.log(`${signal}: B heard A ${Date.now() - upAt} ms after the server answered`);
      await release(a);
      await server.stop();
    });
  }

  test('a joiner past the limit, a wrong or missing passcode, and a full server each get their own message', async () => {
    server = await startServer({ settings: { MaxParticipantsPerChannel: 2, MaxChannels: 2 } });
    await join('A', 'room');
    await join('B', 'room');
    const owner = await openUser(browser, server.url, { channel: 'vault' });
    users.push(owner);
    await owner.page.getByLabel('Your name').fill('Owner');
    await owner.page.getByLabel(/Passcode/).fill('s3cret');
    await owner.page.getByRole('button', { name: 'Join' }).click();
    await owner.page.getByRole('status').filter({ hasText: 'Connected' }).waitFor({ timeout: 10000 });

    const guest = await openUser(browser, server.url, { channel: 'room' });
    users.push(guest);
    // Passcode refusals prompt on the passcode field; the others show under the form.
    const attempt = async (channel, passcode, expected, slot = '#join-error') => {
      await guest.page.getByLabel('Channel', { exact: true }).fill(channel);
      await guest.page.getByLabel('Your name').fill('Guest');
      await guest.page.getByLabel(/Passcode/).fill(passcode);
      await guest.page.getByRole('button', { name: 'Join' }).click();
      await guest.page.locator(slot).filter({ hasText: expected }).waitFor({ timeout: 5000 });
    };
    await attempt('room', '', 'This channel is full.');
    await attempt('vault', '', 'This channel is private: enter its passcode to join.', '#passcode-error');
    await attempt('vault', 'nope', 'That passcode is not right for this channel.', '#passcode-error');
    await attempt('third', '', 'This Walkie server is full right now.');
    assert.doesNotMatch(await guest.page.locator('#join-error').textContent(), /Cannot reach/);
    await server.stop();
  });
});
