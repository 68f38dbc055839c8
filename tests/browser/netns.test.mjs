import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  audioOver, inboundEnergy, launchBrowser, openUser, press, release, selectedCandidates, SILENT, startServer,
  waitConnected, waitHears,
} from './harness.mjs';
import { createTestHost } from './netns.mjs';

describe('a user on another network host', () => {
  let host;
  let server;
  let remoteBrowser;
  let browser;
  const contexts = [];

  before(async () => {
    host = await createTestHost('walkie-a');
    server = await startServer({ bind: ['127.0.0.1', host.hostAddress] });
    [remoteBrowser, browser] = await Promise.all([
      launchBrowser({ netns: host, secureOrigins: [server.urls[1]] }),
      launchBrowser(),
    ]);
  });

  after(async () => {
    await Promise.all(contexts.map((c) => c.close().catch(() => {})));
    await remoteBrowser?.close();
    await browser?.close();
    await server?.stop();
    await host?.destroy();
  });

  test('a user in a separate network namespace is heard, and a blackhole silences them', async () => {
    const a = await openUser(remoteBrowser, server.urls[1], { name: 'A', channel: 'netns' });
    contexts.push(a.context);
    const b = await openUser(browser, server.url, { name: 'B', channel: 'netns' });
    contexts.push(b.context);
    await Promise.all([waitConnected(a, 1), waitConnected(b, 1)]);

    // The media path crosses the veth: B reaches A at the namespace's address, which only the veth leads to.
    const [fromB] = await selectedCandidates(b.page);
    const [fromA] = await selectedCandidates(a.page);
    console.log(`selected pair: A ${fromA.local.address} <-> ${fromA.remote.address}, B ${fromB.local.address} <-> ${fromB.remote.address}`);
    assert.equal(fromB.remote.address, host.nsAddress);
    assert.equal(fromA.local.address, host.nsAddress);

    const baseline = await inboundEnergy(b.page);
    await press(a);
    await b.page.getByText('A is talking').waitFor({ timeout: 2000 });
    await waitHears(b, baseline);
    const heard = await audioOver(b.page, 1000);
    console.log(`while connected B received ${heard.packets} packets and ${heard.energy.toFixed(4)} energy in 1 s`);

    let cut;
    await host.blackhole();
    try {
      // The first half second lets packets in flight land and the jitter buffer's concealment fade out.
      await audioOver(b.page, 500);
      cut = await audioOver(b.page, 2500);
    } finally {
      await host.restore();
    }
    console.log(`during the blackhole B received ${cut.packets} packets and ${cut.energy.toExponential(2)} energy in 2.5 s`);
    assert.equal(cut.packets, 0, 'packets from A reached B through the blackhole');
    assert.ok(cut.energy < SILENT, 'B heard A through the blackhole');

    // A has held the button throughout; three seconds is inside every timeout, so audio resumes by itself.
    const restoredAt = Date.now();
    const resumeBaseline = await inboundEnergy(b.page);
    await waitHears(b, resumeBaseline, 5000);
    console.log(`B heard A again ${Date.now() - restoredAt} ms after the restore`);
    assert.equal(await b.page.getByText('A is talking').count(), 1);
    await release(a);
    await b.page.getByText('Channel clear').waitFor({ timeout: 2000 });
  });
});
