import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  energyOver, inboundEnergy, launchBrowser, openUser, press, release, screenshot, selfId, SILENT, waitConnected, waitFor, waitHears,
} from './harness.mjs';
import { startSfuServer } from './janus.mjs';

describe('Janus restarting under a live SFU channel', () => {
  let janus;
  let server;
  let stack;
  let browser;
  const users = [];

  before(async () => {
    stack = await startSfuServer({ meshLimit: 0 });
    ({ janus, server } = stack);
    browser = await launchBrowser();
  });

  after(async () => {
    await Promise.all(users.map((u) => u.context.close().catch(() => {})));
    await browser?.close();
    await stack?.stop();
  });

  const join = async (name, channel) => {
    const user = await openUser(browser, server.url, { name, channel });
    users.push(user);
    await waitConnected(user, 2);
    return user;
  };

  /** Connections to Janus that are up now: a page has two, its publisher and its listener. */
  const connected = (user) => user.page.evaluate(() => window.__pcs.filter((pc) => pc.connectionState === 'connected').length);

  test('a talk held across a Janus restart is heard again, and the channel works as before, with the same members', async () => {
    const a = await join('A', 'restart');
    const b = await join('B', 'restart');
    const ids = [await selfId(a), await selfId(b)];
    await press(a);
    await b.page.getByText('A is talking').waitFor({ timeout: 3000 });
    await waitHears(b, await inboundEnergy(b.page), 5000);

    await janus.kill();
    // Both people are told that voice is down, not left wondering why nobody answers.
    const killed = Date.now();
    await Promise.all([a, b].map((u) => u.page.getByText('Voice is down').waitFor({ timeout: 3000 })));
    console.log(`both pages said voice is down ${Date.now() - killed} ms after Janus died`);
    await screenshot(b.page, 'sfu-voice-down-1280x800');
    // Long enough for both pages to lose Janus: nothing is heard through a dead server.
    await new Promise((r) => setTimeout(r, 1000));
    const down = await inboundEnergy(b.page);
    const started = Date.now();
    await janus.launch();
    const up = Date.now() - started;
    await waitHears(b, down, 15000);
    const heard = Date.now() - started;
    console.log(`Janus back up in ${up} ms; B heard A again ${heard} ms after the restart began`);
    assert.ok(heard - up < 8000, `B heard A only ${heard - up} ms after Janus answered again`);
    await a.page.getByText('On air').waitFor({ timeout: 1000 });
    await Promise.all([a, b].map((u) => u.page.getByText('Voice is down').waitFor({ state: 'detached', timeout: 3000 })));
    assert.ok((await connected(a)) >= 2 && (await connected(b)) >= 2, 'both pages should be connected to the new Janus');

    await release(a);
    await b.page.getByText('Channel clear').waitFor({ timeout: 3000 });
    // A tail of what was in flight may still play (a few ms of tone after a restart's reconnect); then the line must
    // go silent: a forward that outlived the floor would carry the whole tone.
    await waitFor(async () => (await energyOver(b, 1000)) < SILENT, { timeout: 6000, message: 'B to hear nothing once A let go' });
    const baseline = await inboundEnergy(a.page);
    await press(b);
    await a.page.getByText('B is talking').waitFor({ timeout: 3000 });
    await waitHears(a, baseline, 5000);
    await release(b);
    assert.deepEqual([await selfId(a), await selfId(b)], ids, 'a member left and came back');
  });
});
