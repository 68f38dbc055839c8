import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  energyOver, inboundEnergy, launchBrowser, openUser, press, release, SILENT, waitConnected, waitFor, waitHears,
} from './harness.mjs';
import { startSfuServer, talkHeardBy } from './janus.mjs';

// A modified client whose microphone stays on the wire whatever the app does: its publisher always carries the real
// microphone track, and the track can never be disabled. Only the server can keep it from being heard.
const rogueClient = () => {
  const getUserMedia = navigator.mediaDevices.getUserMedia.bind(navigator.mediaDevices);
  navigator.mediaDevices.getUserMedia = async (...args) => {
    const stream = await getUserMedia(...args);
    window.__mic = stream.getAudioTracks()[0];
    return stream;
  };
  const replaceTrack = RTCRtpSender.prototype.replaceTrack;
  RTCRtpSender.prototype.replaceTrack = function (track) {
    return replaceTrack.call(this, track ?? window.__mic ?? null);
  };
  Object.defineProperty(MediaStreamTrack.prototype, 'enabled', { get: () => true, set: () => {} });
};

/** Audio packets this page has sent, summed over its peer connections. */
function packetsSent(page) {
  return page.evaluate(async () => {
    let sent = 0;
    for (const pc of window.__pcs.filter((p) => p.connectionState !== 'closed')) {
      (await pc.getStats()).forEach((r) => {
        if (r.type === 'outbound-rtp' && r.kind === 'audio') {
          sent += r.packetsSent ?? 0;
        }
      });
    }
    return sent;
  });
}

describe('large channels: audio through Janus, the server forwards only the floor holder', () => {
  let server;
  let stack;
  let browser;
  const users = [];

  before(async () => {
    stack = await startSfuServer({ meshLimit: 0 });
    ({ server } = stack);
    browser = await launchBrowser();
  });

  after(async () => {
    await Promise.all(users.map((u) => u.context.close().catch(() => {})));
    await browser?.close();
    await stack?.stop();
  });

  // Each member has two connections to Janus, whoever else is in the channel: the publisher and the listener.
  const join = async (name, channel, init) => {
    const user = await openUser(browser, server.url, { name, channel, init });
    users.push(user);
    await waitConnected(user, 2);
    return user;
  };


  test('three members: each talks in turn, the other two hear it, and silence follows the release', async () => {
    const a = await join('A', 'big');
    const b = await join('B', 'big');
    const c = await join('C', 'big');
    assert.ok((await energyOver(b, 1000)) < SILENT, 'B heard audio before anyone pressed');
    await talkHeardBy(a, [b, c]);
    await talkHeardBy(b, [a, c]);
    await talkHeardBy(c, [a, b]);
  });

  test('the queue hands over: B waits while A talks, and is heard once A releases', async () => {
    const a = await join('A', 'queue');
    const b = await join('B', 'queue');
    const c = await join('C', 'queue');
    const first = await inboundEnergy(c.page);
    await press(a);
    await c.page.getByText('A is talking').waitFor({ timeout: 3000 });
    await waitHears(c, first, 5000);
    await press(b);
    await b.page.getByText('Waiting: you are #1').waitFor({ timeout: 3000 });
    await release(a);
    await b.page.getByText('On air').waitFor({ timeout: 3000 });
    await c.page.getByText('B is talking').waitFor({ timeout: 3000 });
    // A's last packets may still land; what arrives after them is B's.
    await Promise.all([energyOver(a, 300), energyOver(c, 300)]);
    const handedOver = { a: await inboundEnergy(a.page), c: await inboundEnergy(c.page) };
    await Promise.all([waitHears(a, handedOver.a, 5000), waitHears(c, handedOver.c, 5000)]);
    await release(b);
    await c.page.getByText('Channel clear').waitFor({ timeout: 3000 });
  });

  test('a member who joins while someone talks hears the talk at once', async () => {
    const a = await join('A', 'late');
    const b = await join('B', 'late');
    await press(a);
    await b.page.getByText('A is talking').waitFor({ timeout: 3000 });
    const late = await join('Late', 'late');
    await late.page.getByText('A is talking').waitFor({ timeout: 3000 });
    await waitHears(late, {}, 5000);
    await release(a);
  });

  test('a rogue client whose microphone stays on the wire reaches Janus but nobody hears it until it holds the floor', async () => {
    const rogue = await join('Rogue', 'rogue', rogueClient);
    const honest = await join('Honest', 'rogue');
    const holder = await join('Holder', 'rogue');

    // The rogue really sends: its publisher's packets grow while nobody holds the floor.
    const sentBefore = await packetsSent(rogue.page);
    const idle = await energyOver(honest, 1500);
    const sent = (await packetsSent(rogue.page)) - sentBefore;
    assert.ok(sent > 50, `the rogue sent only ${sent} packets in 1.5 s; the test would prove nothing`);
    assert.ok(idle < SILENT, `the idle channel carried ${idle} of the rogue's audio`);

    // While the holder talks, what the listener hears is the holder alone: the rogue stops being heard as soon as
    // someone else has the floor, and the holder is heard.
    const baseline = await inboundEnergy(honest.page);
    await press(holder);
    await honest.page.getByText('Holder is talking').waitFor({ timeout: 3000 });
    await waitHears(honest, baseline, 5000);
    await release(holder);
    await honest.page.getByText('Channel clear').waitFor({ timeout: 3000 });
    await energyOver(honest, 300);
    const afterHolder = await energyOver(honest, 1500);
    assert.ok(afterHolder < SILENT, `the rogue was heard once the holder let go: ${afterHolder}`);

    // Holding the floor, the rogue is heard like anyone.
    const beforeRogue = await inboundEnergy(honest.page);
    await press(rogue);
    await honest.page.getByText('Rogue is talking').waitFor({ timeout: 3000 });
    await waitHears(honest, beforeRogue, 5000);
    await release(rogue);
    await honest.page.getByText('Channel clear').waitFor({ timeout: 3000 });
    await waitFor(async () => (await energyOver(honest, 500)) < SILENT, { timeout: 5000, message: 'the rogue to go unheard after its release' });
  });
});
