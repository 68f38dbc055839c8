import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { launchFirefox, openFirefoxUser, waitText } from './firefox.mjs';
import {
  audioOver, cspViolations, inboundEnergy, launchBrowser, openUser, press, release, SILENT, startServer, waitConnected, waitHears,
} from './harness.mjs';

// Firefox here has no sound device, so its AudioContext never runs: what it hears is read from the RTP stats, which
// Firefox fills (energy included) whether or not anything plays.
describe('Firefox ESR and Chromium in one channel', () => {
  let server;
  let chromium;
  let firefox;
  const contexts = [];

  before(async () => {
    server = await startServer();
    [chromium, firefox] = await Promise.all([launchBrowser(), launchFirefox()]);
  });

  after(async () => {
    await Promise.all(contexts.map((c) => c.close().catch(() => {})));
    await firefox?.close();
    await chromium?.close();
    await server?.stop();
  });

  /**
   * Watches a listener past the tail of a transmission, then for 1.5 s in which it must hear nothing. Firefox's tail
   * is longer: its received energy fades out over about 0.5 s after the talker releases, Chromium's over 0.3 s.
   */
  const assertSilentAfter = async (listener, talker, tailMs) => {
    await audioOver(listener.page, tailMs);
    const quiet = await audioOver(listener.page, 1500);
    assert.ok(quiet.energy < SILENT, `${listener.name} still heard ${talker} after the release: ${quiet.energy}`);
    return quiet;
  };

  test('Firefox hears a Chromium talker, and Chromium hears Firefox by button and by Space bar', async () => {
    const f = await openFirefoxUser(firefox, server.url, { name: 'F', channel: 'mixed' });
    contexts.push(f.context);
    const c = await openUser(chromium, server.url, { name: 'C', channel: 'mixed' });
    contexts.push(c.context);
    await Promise.all([waitConnected(f, 1), waitConnected(c, 1)]);

    const [idleF, idleC] = await Promise.all([audioOver(f.page, 1000), audioOver(c.page, 1000)]);
    console.log(`idle 1 s: F got ${idleF.packets} packets, energy ${idleF.energy.toExponential(1)}; C got ${idleC.packets} packets, energy ${idleC.energy.toExponential(1)}`);
    assert.ok(idleF.energy < SILENT && idleC.energy < SILENT, 'audio arrived before anyone pressed');

    let baseline = await inboundEnergy(f.page);
    await press(c);
    await waitHears(f, baseline);
    const cToF = await audioOver(f.page, 1000);
    await release(c);
    const fQuiet = await assertSilentAfter(f, 'C', 800);
    console.log(`C held: F got ${cToF.packets} packets/s, energy ${cToF.energy.toFixed(4)}/s; released: ${fQuiet.energy.toExponential(1)} in 1.5 s`);

    baseline = await inboundEnergy(c.page);
    await press(f);
    await waitText(f.page, '#ptt-label', 'Talking: release to stop');
    await waitHears(c, baseline);
    const byButton = await audioOver(c.page, 1000);
    await release(f);
    const afterButton = await assertSilentAfter(c, 'F', 300);
    console.log(`F held the button: C got ${byButton.packets} packets/s, energy ${byButton.energy.toFixed(4)}/s; released: ${afterButton.energy.toExponential(1)} in 1.5 s`);

    baseline = await inboundEnergy(c.page);
    await f.page.keyboard.down(' ');
    await waitHears(c, baseline);
    const bySpace = await audioOver(c.page, 1000);
    await f.page.keyboard.up(' ');
    const afterSpace = await assertSilentAfter(c, 'F', 300);
    console.log(`F held Space: C got ${bySpace.packets} packets/s, energy ${bySpace.energy.toFixed(4)}/s; released: ${afterSpace.energy.toExponential(1)} in 1.5 s`);

    assert.deepEqual([...await cspViolations(f), ...await cspViolations(c)], []);
  });
});
