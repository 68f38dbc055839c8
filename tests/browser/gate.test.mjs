import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  energySince, inboundEnergy, launchBrowser, openUser, press, release, SILENT, startServer, waitConnected, waitFor, waitHears,
} from './harness.mjs';

// A modified client whose microphone stays on the wire whatever the app does: every sender always carries the
// real microphone track, and the track can never be disabled.
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

/** Per peer connection of this page: [packets received, audio energy] from the inbound audio. */
function inbound(page) {
  return page.evaluate(async () => {
    const out = [];
    for (const pc of window.__pcs.filter((p) => p.connectionState !== 'closed')) {
      let packets = 0;
      let energy = 0;
      (await pc.getStats()).forEach((r) => {
        if (r.type === 'inbound-rtp' && r.kind === 'audio') {
          packets += r.packetsReceived ?? 0;
          energy += r.totalAudioEnergy ?? 0;
        }
      });
      out.push({ packets, energy });
    }
    return out;
  });
}

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

describe('the floor decides who is heard and who sends', () => {
  let server;
  let browser;
  const users = [];

  before(async () => {
    server = await startServer();
    browser = await launchBrowser();
  });

  after(async () => {
    await Promise.all(users.map((u) => u.context.close().catch(() => {})));
    await browser?.close();
    await server?.stop();
  });

  const join = async (name, channel, init) => {
    const user = await openUser(browser, server.url, { name, channel, init });
    users.push(user);
    return user;
  };

  test('a rogue client whose microphone stays on the wire is not heard while idle nor over the holder; the holder is', async () => {
    const rogue = await join('Rogue', 'gate', rogueClient);
    const honest = await join('Honest', 'gate');
    const holder = await join('Holder', 'gate');
    await waitConnected(honest, 2);
    await waitConnected(rogue, 2);

    // The rogue really is on the wire: while nobody holds the floor, the honest listener receives packets on one
    // connection (the rogue's), yet no energy is played from any.
    const before = await inbound(honest.page);
    await new Promise((r) => setTimeout(r, 1500));
    const idle = await inbound(honest.page);
    const grew = idle.map((p, i) => p.packets - before[i].packets);
    const rogueAt = grew.indexOf(Math.max(...grew));
    assert.ok(grew[rogueAt] > 50, `the rogue sent only ${grew[rogueAt]} packets in 1.5 s; the test would prove nothing`);
    const idleEnergy = idle.reduce((e, p, i) => e + p.energy - before[i].energy, 0);
    assert.ok(idleEnergy < SILENT, `the idle channel played ${idleEnergy} of the rogue's audio`);

    // While the holder talks, the listener hears the holder's connection and nothing from the rogue's.
    const baseline = await inboundEnergy(honest.page);
    await press(holder);
    await honest.page.getByText('Holder is talking').waitFor({ timeout: 2000 });
    await waitHears(honest, baseline);
    const talking = await inbound(honest.page);
    await new Promise((r) => setTimeout(r, 1000));
    const later = await inbound(honest.page);
    const fromRogue = later[rogueAt].energy - talking[rogueAt].energy;
    const fromHolder = later[1 - rogueAt].energy - talking[1 - rogueAt].energy;
    assert.ok(fromRogue < SILENT, `the rogue was heard over the holder: ${fromRogue}`);
    assert.ok(fromHolder > SILENT, `the holder was not heard: ${fromHolder}`);
    await release(holder);
    await honest.page.getByText('Channel clear').waitFor({ timeout: 2000 });

    // When the rogue holds the floor it is heard like anyone.
    const beforeRogue = await inboundEnergy(honest.page);
    await press(rogue);
    await honest.page.getByText('Rogue is talking').waitFor({ timeout: 2000 });
    await waitHears(honest, beforeRogue);
    await release(rogue);
  });

  test('in a channel of four where nobody talks, nobody sends more than 5 audio packets a second; the talker sends at full rate', async () => {
    const four = [];
    for (const name of ['W', 'X', 'Y', 'Z']) {
      four.push(await join(name, 'idle'));
    }
    for (const user of four) {
      await waitConnected(user, 3);
    }
    await new Promise((r) => setTimeout(r, 500));
    const start = await Promise.all(four.map((u) => packetsSent(u.page)));
    const t0 = Date.now();
    await new Promise((r) => setTimeout(r, 3000));
    const end = await Promise.all(four.map((u) => packetsSent(u.page)));
    const seconds = (Date.now() - t0) / 1000;
    const rates = end.map((n, i) => (n - start[i]) / seconds);
    console.log(`idle uplink, audio packets per second per participant: ${rates.map((r) => r.toFixed(1)).join(', ')}`);
    for (const rate of rates) {
      assert.ok(rate <= 5, `an idle participant sent ${rate.toFixed(1)} audio packets a second`);
    }

    await press(four[0]);
    await four[1].page.getByText('W is talking').waitFor({ timeout: 2000 });
    const talkStart = await packetsSent(four[0].page);
    const t1 = Date.now();
    await waitFor(async () => Date.now() - t1 > 2000, { timeout: 5000 });
    const talkRate = (await packetsSent(four[0].page) - talkStart) / ((Date.now() - t1) / 1000);
    console.log(`talker uplink: ${talkRate.toFixed(0)} audio packets a second to 3 peers`);
    // 10 ms frames to each of three peers: 300 a second; anything near that is full rate.
    assert.ok(talkRate > 200, `the talker sent only ${talkRate.toFixed(0)} packets a second`);
    await release(four[0]);
  });
});
