// Floor benchmark: what holding (or not holding) the floor costs on the wire, in the real client and server.
// - press-to-first-audio at the listener, for three ways of gating the talker's sender;
// - idle uplink per participant in a channel of four where nobody talks.
// Usage: node bench/floor.mjs [--samples 30] (bench/floor.sh runs it with the seed comparison).
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { launchBrowser, startServer, waitConnected, waitFor } from '../tests/browser/harness.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const i = process.argv.indexOf('--samples');
const SAMPLES = i > 0 ? Number(process.argv[i + 1]) : 30;
const pageScript = readFileSync(join(here, 'latency-page.js'), 'utf8');
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const stats = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (p) => sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)];
  return { n: sorted.length, p50: at(0.5), p95: at(0.95), max: sorted.at(-1) };
};

// Each gate is an init script applied after the bench page script: it changes how the app's
// replaceTrack(null) / replaceTrack(track) reach the sender, and nothing else.
const gates = {
  // What Walkie did before: the microphone stays on every sender, and the app's track.enabled mutes it.
  'track.enabled (before)': () => {
    const getUserMedia = navigator.mediaDevices.getUserMedia;
    navigator.mediaDevices.getUserMedia = async (...a) => { const s = await getUserMedia(...a); window.__mic = s.getAudioTracks()[0]; return s; };
    const replace = RTCRtpSender.prototype.replaceTrack;
    RTCRtpSender.prototype.replaceTrack = function (t) { return replace.call(this, t ?? window.__mic ?? null); };
  },
  // Walkie now: no track on the sender without the floor.
  'replaceTrack (now)': () => {},
  // The alternative: the track stays, and the sender's encoding is switched off and on.
  'encoding active': () => {
    const getUserMedia = navigator.mediaDevices.getUserMedia;
    navigator.mediaDevices.getUserMedia = async (...a) => { const s = await getUserMedia(...a); window.__mic = s.getAudioTracks()[0]; return s; };
    const replace = RTCRtpSender.prototype.replaceTrack;
    RTCRtpSender.prototype.replaceTrack = async function (t) {
      if (!this.track && window.__mic) await replace.call(this, window.__mic);
      const p = this.getParameters();
      if (p.encodings?.length) {
        p.encodings[0].active = t !== null;
        await this.setParameters(p).catch(() => {});
      }
    };
  },
};

async function outbound(page) {
  return page.evaluate(async () => {
    let packets = 0;
    let bytes = 0;
    for (const pc of window.__pcs.filter((p) => p.connectionState !== 'closed')) {
      (await pc.getStats()).forEach((r) => {
        if (r.type === 'outbound-rtp' && r.kind === 'audio') {
          packets += r.packetsSent ?? 0;
          bytes += r.bytesSent ?? 0;
        }
      });
    }
    return { packets, bytes };
  });
}

async function main() {
  const server = await startServer({ settings: { TransmitLimit: '00:00:00' } });
  const browser = await launchBrowser();
  const results = { benchmark: 'floor', date: new Date().toISOString(), machine: `${cpus().length} cores (${cpus()[0]?.model}), Chromium ${browser.version()}`, gates: {} };
  console.log(`Walkie floor benchmark, ${results.date}, ${results.machine}`);
  const open = async (name, channel, gate) => {
    // The bench page's onset detector is an AudioWorklet loaded from a blob: URL, which the app's CSP forbids.
    const context = await browser.newContext({ permissions: ['microphone'], bypassCSP: true });
    const page = await context.newPage();
    await page.addInitScript(pageScript);
    await page.addInitScript(gate);
    await page.goto(`${server.url}/c/${channel}`);
    await page.evaluate(() => window.__bench.ready);
    await page.getByLabel('Your name').fill(name);
    await page.getByRole('button', { name: 'Join' }).click();
    await page.getByRole('status').filter({ hasText: 'Connected' }).waitFor({ timeout: 10000 });
    return { name, page, context, ptt: page.getByRole('button', { name: 'Push to talk' }) };
  };
  try {
    for (const [label, gate] of Object.entries(gates)) {
      const channel = `floor-${Object.keys(results.gates).length}`;
      const four = [];
      for (const name of ['Talker', 'Listener', 'X', 'Y']) {
        four.push(await open(name, channel, gate));
      }
      for (const user of four) {
        await waitConnected(user, 3);
      }
      const [a, b] = four;
      await a.page.evaluate(() => { window.__bench.mode = 'continuous'; });
      const hold = async () => {
        const box = await a.ptt.boundingBox();
        await a.page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
        await a.page.mouse.down();
      };
      const letGo = async () => {
        await a.page.mouse.up();
        await b.page.getByText('Channel clear').waitFor({ timeout: 2000 });
      };
      // One press to settle each variant's first toggle, then idle uplink, then press-to-first-audio.
      await hold();
      await b.page.getByText('Talker is talking').waitFor({ timeout: 2000 });
      await sleep(500);
      await letGo();
      await sleep(1000);
      const before = await Promise.all(four.map((u) => outbound(u.page)));
      const t0 = Date.now();
      await sleep(5000);
      const after = await Promise.all(four.map((u) => outbound(u.page)));
      const seconds = (Date.now() - t0) / 1000;
      const idle = after.map((x, k) => ({ packetsPerSecond: (x.packets - before[k].packets) / seconds, kbitPerSecond: (8 * (x.bytes - before[k].bytes)) / seconds / 1000 }));
      const firstAudio = [];
      for (let s = 0; s < SAMPLES; s++) {
        await a.page.evaluate(() => performance.clearMarks());
        await b.page.evaluate(() => { window.__bench.received = []; });
        await hold();
        const [press] = await a.page.evaluate(() => performance.getEntriesByName('walkie:press').map((e) => performance.timeOrigin + e.startTime));
        const heard = await waitFor(async () => (await b.page.evaluate(() => window.__bench.received)).find((t) => t > press), { timeout: 3000, message: 'the listener to hear the press' });
        firstAudio.push(heard - press);
        await letGo();
        await sleep(300);
      }
      const mean = (f) => idle.reduce((n, x) => n + f(x), 0) / idle.length;
      results.gates[label] = {
        pressToFirstAudio: stats(firstAudio),
        idleUplink: { packetsPerSecond: mean((x) => x.packetsPerSecond), kbitPerSecond: mean((x) => x.kbitPerSecond), perParticipant: idle },
      };
      const r = results.gates[label];
      console.log(`${label}: press-to-first-audio p50 ${r.pressToFirstAudio.p50.toFixed(1)} / p95 ${r.pressToFirstAudio.p95.toFixed(1)} ms; idle uplink ${r.idleUplink.packetsPerSecond.toFixed(1)} packets/s, ${r.idleUplink.kbitPerSecond.toFixed(1)} kbit/s per participant`);
      await Promise.all(four.map((u) => u.context.close()));
    }
  } finally {
    await browser.close();
    await server.stop();
  }
  const dir = join(here, 'results');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `floor-${results.date.replace(/[:.]/g, '-')}`);
  writeFileSync(`${file}.json`, JSON.stringify(results, null, 2));
  const md = [
    `### Floor on the wire, ${results.date}`, '', `Machine: ${results.machine}. Channel of four, ${SAMPLES} presses per gate.`, '',
    '| sender gate | press-to-first-audio p50 / p95 / max ms | idle uplink per participant: packets/s, kbit/s |',
    '|---|---|---|',
    ...Object.entries(results.gates).map(([k, v]) => `| ${k} | ${v.pressToFirstAudio.p50.toFixed(1)} / ${v.pressToFirstAudio.p95.toFixed(1)} / ${v.pressToFirstAudio.max.toFixed(1)} | ${v.idleUplink.packetsPerSecond.toFixed(1)}, ${v.idleUplink.kbitPerSecond.toFixed(1)} |`),
  ].join('\n');
  writeFileSync(`${file}.md`, md + '\n');
  console.log(`\n${md}\n\nresults: ${file}.json and .md`);
}

await main();
