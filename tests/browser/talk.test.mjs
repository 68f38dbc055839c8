import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  cspViolations, energyOver, inboundEnergy, launchBrowser, openUser, press, release, screenshot, SILENT, startServer, waitConnected, waitHears,
} from './harness.mjs';

describe('talking in a channel', () => {
  let server;
  let browser;
  const users = [];

  before(async () => {
    server = await startServer({ settings: { 'Resume:Grace': '00:00:03' } });
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

  test('B sees and hears A within a second of the press, and only while A holds Push to talk', async () => {
    const a = await join('A', 'pair');
    const b = await join('B', 'pair');
    await waitConnected(a, 1);
    await waitConnected(b, 1);
    assert.ok((await energyOver(b, 1000)) < SILENT, 'B received audio before anyone pressed');

    const baseline = await inboundEnergy(b.page);
    const pressedAt = Date.now();
    await press(a);
    await b.page.getByText('A is talking').waitFor({ timeout: 1000 });
    await waitHears(b, baseline, Math.max(0, 1000 - (Date.now() - pressedAt)));
    console.log(`B saw "A is talking" and heard A ${Date.now() - pressedAt} ms after the press`);
    assert.equal(await a.ptt.getAttribute('aria-pressed'), 'true');
    await a.page.getByText('On air').waitFor({ timeout: 1000 });
    await b.page.getByRole('list', { name: 'Participants' }).getByText('talking').waitFor({ timeout: 1000 });

    // Per-participant volume: the slider for A sets the volume of the element that plays A.
    await b.page.getByRole('slider', { name: 'Volume for A' }).fill('0.2');
    assert.equal(await b.page.evaluate(() => document.querySelector('#remote-audio audio').volume), 0.2);

    await screenshot(a.page, 'channel-talking-1280x800');
    await screenshot(b.page, 'channel-listening-1280x800');
    await a.page.setViewportSize({ width: 375, height: 812 });
    await b.page.setViewportSize({ width: 375, height: 812 });
    await screenshot(a.page, 'channel-talking-375x812');
    await screenshot(b.page, 'channel-listening-375x812');

    await release(a);
    await b.page.getByText('Channel clear').waitFor({ timeout: 1000 });
    assert.equal(await a.ptt.getAttribute('aria-pressed'), 'false');
    // Packets already in flight may still land; after that the line must be silent.
    await energyOver(b, 300);
    assert.ok((await energyOver(b, 1500)) < SILENT, 'B still received audio after A released');
    // The whole exchange ran under the server's Content-Security-Policy without tripping it.
    assert.deepEqual([...await cspViolations(a), ...await cspViolations(b)], []);
  });

  test('with three people, a second talker queues, is not heard, and takes over when the first releases', async () => {
    const a = await join('A', 'trio');
    const b = await join('B', 'trio');
    const c = await join('C', 'trio');
    await Promise.all([waitConnected(a, 2), waitConnected(b, 2), waitConnected(c, 2)]);

    const beforeA = { b: await inboundEnergy(b.page), c: await inboundEnergy(c.page) };
    await press(a);
    await Promise.all([waitHears(b, beforeA.b), waitHears(c, beforeA.c)]);

    await press(b);
    await b.page.getByText('Waiting: you are #1').waitFor({ timeout: 2000 });
    assert.equal(await b.ptt.getAttribute('aria-pressed'), 'false');
    // C keeps hearing A; B's microphone stays shut, so A (who hears only B) receives nothing.
    assert.ok((await energyOver(a, 1500)) < SILENT, 'A heard B while B was only queued');

    const beforeB = { a: await inboundEnergy(a.page), c: await inboundEnergy(c.page) };
    await release(a);
    await b.page.getByText('On air').waitFor({ timeout: 2000 });
    await c.page.getByText('B is talking').waitFor({ timeout: 2000 });
    assert.equal(await b.ptt.getAttribute('aria-pressed'), 'true');
    await Promise.all([waitHears(a, beforeB.a), waitHears(c, beforeB.c)]);
    await release(b);
    await c.page.getByText('Channel clear').waitFor({ timeout: 2000 });
  });

  test('closing the tab while talking frees the floor at once, shows the talker away, and removes them after the grace', async () => {
    const a = await join('A', 'close');
    const b = await join('B', 'close');
    await waitConnected(b, 1);
    await press(a);
    await b.page.getByText('A is talking').waitFor({ timeout: 2000 });

    await a.page.close();
    const participants = b.page.getByRole('list', { name: 'Participants' });
    await b.page.getByText('Channel clear').waitFor({ timeout: 2000 });
    await participants.getByRole('listitem').filter({ hasText: 'reconnecting…' }).waitFor({ timeout: 2000 });
    // The server keeps a dropped member's seat for the resume grace (3 s in this suite), then they are gone.
    await participants.getByText('A', { exact: true }).waitFor({ state: 'detached', timeout: 6000 });
    assert.equal(await participants.getByRole('listitem').count(), 1);
  });

  test('a user without microphone permission joins as a listener and hears the talker', async () => {
    const deniedBrowser = await launchBrowser({ microphone: false });
    try {
      const a = await join('A', 'listen');
      const listener = await openUser(deniedBrowser, server.url, { name: 'L', channel: 'listen', microphone: false });
      users.push(listener);
      await listener.page.getByRole('button', { name: 'Enable microphone' }).waitFor({ timeout: 2000 });
      await listener.page.getByText('No microphone: you can listen').waitFor({ timeout: 2000 });
      assert.equal(await listener.ptt.isDisabled(), true);
      await waitConnected(listener, 1);

      const baseline = await inboundEnergy(listener.page);
      await press(a);
      await listener.page.getByText('A is talking').waitFor({ timeout: 2000 });
      await waitHears(listener, baseline);
      await release(a);
    } finally {
      await deniedBrowser.close();
    }
  });
});
