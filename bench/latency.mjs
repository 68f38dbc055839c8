// Browser latency benchmark: the real client and server in headless Chromium, against plain WebRTC in the same run.
// Method: ../docs/BENCHMARKS.md. Usage: bench/latency.sh [--seconds 32] [--samples 50]
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { launchBrowser, openUser, startServer, waitConnected, waitFor } from '../tests/browser/harness.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const SECONDS = arg('seconds', 32); // per mouth-to-ear run: 3 s warm-up, then about 58 bursts
const SAMPLES = arg('samples', 50);
const pageScript = readFileSync(join(here, 'latency-page.js'), 'utf8');

const stats = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (p) => sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)];
  return { n: sorted.length, p50: at(0.5), p95: at(0.95), max: sorted.at(-1) };
};
const fmt = (s) => (s.n ? `p50 ${s.p50.toFixed(1)} / p95 ${s.p95.toFixed(1)} / max ${s.max.toFixed(1)} ms (n=${s.n})` : 'no samples');
const brief = (g) => `jitter buffer ${g.jitterBufferMs?.toFixed(1)} ms, processing ${g.processingDelayMs?.toFixed(1)} ms, RTT ${g.rttMs?.toFixed(1)} ms, ${g.packetsPerSecond?.toFixed(0)} packets/s`;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Pairs each received onset with the latest sent onset before it (bursts are 500 ms apart). */
function match(sent, received, since) {
  const latencies = [];
  for (const r of received) {
    if (r < since) continue;
    const s = sent.filter((t) => t <= r && r - t < 400).at(-1);
    if (s !== undefined) latencies.push(r - s);
  }
  return latencies;
}

/** getStats breakdown on the listener, over the given window. */
async function breakdown(page) {
  return page.evaluate(async () => {
    const out = [];
    for (const pc of window.__pcs.filter((p) => p.connectionState === 'connected')) {
      const reports = [...(await pc.getStats()).values()];
      const inbound = reports.find((r) => r.type === 'inbound-rtp' && r.kind === 'audio' && r.packetsReceived > 0);
      if (!inbound) continue;
      const pair = reports.find((r) => r.type === 'candidate-pair' && r.nominated && r.state === 'succeeded');
      const emitted = inbound.jitterBufferEmittedCount || 1;
      out.push({
        jitterBufferMs: (1000 * inbound.jitterBufferDelay) / emitted,
        jitterBufferTargetMs: (1000 * (inbound.jitterBufferTargetDelay ?? 0)) / emitted,
        processingDelayMs: (1000 * (inbound.totalProcessingDelay ?? 0)) / emitted,
        rttMs: 1000 * (pair?.currentRoundTripTime ?? 0),
        concealedSamples: inbound.concealedSamples,
        packetsReceived: inbound.packetsReceived,
        packetsLost: inbound.packetsLost,
      });
    }
    return out;
  });
}

async function mouthToEar(talker, listener, run) {
  await talker.page.evaluate(() => { window.__bench.mode = 'bursts'; window.__bench.sent = []; });
  await listener.page.evaluate(() => { window.__bench.received = []; });
  const before = await breakdown(listener.page);
  const start = Date.now();
  await run.start();
  const warm = Date.now() + 3000;
  await sleep(SECONDS * 1000);
  const after = await breakdown(listener.page);
  await run.stop();
  const sent = await talker.page.evaluate(() => window.__bench.sent);
  const received = await listener.page.evaluate(() => window.__bench.received);
  const latencies = match(sent, received, warm);
  const b = after.at(-1) ?? {};
  const a = before.find((x) => x.packetsReceived <= (b.packetsReceived ?? 0)) ?? {};
  return {
    ...stats(latencies),
    getStats: { ...b, packetsPerSecond: ((b.packetsReceived ?? 0) - (a.packetsReceived ?? 0)) / ((Date.now() - start) / 1000) },
  };
}

/** A plain WebRTC call between the two pages with browser defaults, optionally with one tuning applied. */
async function plainCall(talker, listener, tuning) {
  await talker.page.evaluate(() => window.__plain?.close());
  await listener.page.evaluate(() => window.__plain?.close());
  const offer = await talker.page.evaluate(async () => {
    const pc = new RTCPeerConnection();
    window.__plain = pc;
    pc.addTrack(window.__bench.stream.getAudioTracks()[0].clone());
    await pc.setLocalDescription();
    await new Promise((r) => (pc.iceGatheringState === 'complete' ? r() : pc.addEventListener('icegatheringstatechange', () => pc.iceGatheringState === 'complete' && r())));
    return pc.localDescription.sdp;
  });
  const answer = await listener.page.evaluate(async ({ sdp, tuning }) => {
    const pc = new RTCPeerConnection();
    window.__plain = pc;
    pc.addEventListener('track', (e) => {
      if (tuning.jitterBufferTarget0) e.receiver.jitterBufferTarget = 0;
      if (tuning.jitterBufferTarget150) e.receiver.jitterBufferTarget = 150;
    });
    await pc.setRemoteDescription({ type: 'offer', sdp });
    await pc.setLocalDescription();
    await new Promise((r) => (pc.iceGatheringState === 'complete' ? r() : pc.addEventListener('icegatheringstatechange', () => pc.iceGatheringState === 'complete' && r())));
    // The answer tells the talker's encoder how to send: the talker applies what the answer asks.
    let s = pc.localDescription.sdp;
    const pt = /a=rtpmap:(\d+) opus\/48000\/2/.exec(s)[1];
    const fmtp = (params) => { s = s.replace(new RegExp(`a=fmtp:${pt} ([^\\r\\n]*)`), (_, p) => `a=fmtp:${pt} ${p};${params}`); };
    if (tuning.ptime10) s = s.replace(/(a=rtpmap:\d+ opus\/48000\/2\r\n)/, '$1') + 'a=ptime:10\r\na=maxptime:10\r\n';
    if (tuning.mono) fmtp('stereo=0;sprop-stereo=0');
    if (tuning.noDtx) fmtp('usedtx=0');
    if (tuning.fec) fmtp('useinbandfec=1');
    return s;
  }, { sdp: offer, tuning });
  await talker.page.evaluate((sdp) => window.__plain.setRemoteDescription({ type: 'answer', sdp }), answer);
  await waitFor(() => listener.page.evaluate(() => window.__plain.connectionState === 'connected'), { timeout: 10000, message: 'the plain call to connect' });
  return {
    start: () => talker.page.evaluate(() => window.__plain.getSenders()[0].track && (window.__plain.getSenders()[0].track.enabled = true)),
    stop: () => Promise.all([talker.page.evaluate(() => window.__plain.close()), listener.page.evaluate(() => window.__plain.close())]),
  };
}

const marks = (page, name) => page.evaluate((n) => performance.getEntriesByName(n).map((e) => performance.timeOrigin + e.startTime), name);

async function main() {
  const server = await startServer({ settings: { TransmitLimit: '00:00:00' } });
  const browser = await launchBrowser();
  const results = { benchmark: 'latency', date: new Date().toISOString(), machine: `${cpus().length} cores (${cpus()[0]?.model}), Chromium ${browser.version()}` };
  console.log(`Walkie latency benchmark, ${results.date}, ${results.machine}`);
  try {
    const openBench = async (name) => {
      // The bench page's onset detector is an AudioWorklet loaded from a blob: URL, which the app's CSP forbids.
      const context = await browser.newContext({ permissions: ['microphone'], bypassCSP: true });
      const page = await context.newPage();
      await page.addInitScript(pageScript);
      await page.goto(`${server.url}/c/bench`);
      await page.evaluate(() => window.__bench.ready);
      const user = { name, page, context, ptt: page.getByRole('button', { name: 'Push to talk' }) };
      await page.getByLabel('Your name').fill(name);
      await page.getByRole('button', { name: 'Join' }).click();
      await page.getByRole('status').filter({ hasText: 'Connected' }).waitFor({ timeout: 10000 });
      return user;
    };
    const a = await openBench('Talker');
    const b = await openBench('Listener');
    await waitConnected(b, 1);
    const hold = async () => {
      const box = await a.ptt.boundingBox();
      await a.page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
      await a.page.mouse.down();
      await a.page.getByText('On air').waitFor({ timeout: 2000 });
    };
    const letGo = () => a.page.mouse.up();

    // 1. Mouth-to-ear, track to track: the default-WebRTC baseline, each tuning alone, all together, and Walkie.
    const variants = [
      ['baseline: browser defaults (20 ms frames)', {}],
      ['ptime 10 ms only', { ptime10: true }],
      ['mono only', { mono: true }],
      ['DTX off only', { noDtx: true }],
      ['in-band FEC only', { fec: true }],
      ['jitterBufferTarget 0 only', { jitterBufferTarget0: true }],
      ['all of the above', { ptime10: true, mono: true, noDtx: true, fec: true, jitterBufferTarget0: true }],
      // Calibration: a 150 ms jitter-buffer target must show up as about 100 ms more, or the harness is wrong.
      ['calibration: jitterBufferTarget 150', { jitterBufferTarget150: true }],
    ];
    results.mouthToEar = {};
    for (const [label, tuning] of variants) {
      const run = await plainCall(a, b, tuning);
      results.mouthToEar[label] = await mouthToEar(a, b, run);
      console.log(`mouth-to-ear, plain WebRTC, ${label}: ${fmt(results.mouthToEar[label])}, ${brief(results.mouthToEar[label].getStats)}`);
    }
    results.mouthToEar.walkie = await mouthToEar(a, b, { start: hold, stop: letGo });
    console.log(`mouth-to-ear, Walkie: ${fmt(results.mouthToEar.walkie)}, ${brief(results.mouthToEar.walkie.getStats)}`);
    const baseline = results.mouthToEar['baseline: browser defaults (20 ms frames)'];
    results.ratio = { p50: results.mouthToEar.walkie.p50 / baseline.p50, p95: results.mouthToEar.walkie.p95 / baseline.p95 };
    console.log(`Walkie / baseline: p50 ${results.ratio.p50.toFixed(2)}, p95 ${results.ratio.p95.toFixed(2)}`);

    // 2. Press-to-grant and press-to-first-audio-at-listener, with a continuous tone behind the push-to-talk gate.
    await a.page.evaluate(() => { window.__bench.mode = 'continuous'; });
    const grant = [];
    const split = [];
    const firstAudio = [];
    for (let i = 0; i < SAMPLES; i++) {
      await a.page.evaluate(() => performance.clearMarks());
      await b.page.evaluate(() => { window.__bench.received = []; });
      await hold();
      const [press] = await marks(a.page, 'walkie:press');
      const [onAir] = await marks(a.page, 'walkie:on-air');
      const heard = await waitFor(async () => (await b.page.evaluate(() => window.__bench.received)).find((t) => t > press), { timeout: 3000, message: 'the listener to hear the press' });
      grant.push(onAir - press);
      const [sent] = await marks(a.page, 'walkie:request-sent');
      const [answer] = await marks(a.page, 'walkie:answer');
      split.push([sent - press, answer - sent, onAir - answer]);
      firstAudio.push(heard - press);
      await letGo();
      await b.page.getByText('Channel clear').waitFor({ timeout: 2000 });
      await sleep(300);
    }
    results.pressToGrant = {
      ...stats(grant),
      split: { pressToSendMs: stats(split.map((x) => x[0])).p50, roundTripMs: stats(split.map((x) => x[1])).p50, answerToOnAirMs: stats(split.map((x) => x[2])).p50 },
    };
    console.log(`  press-to-grant split, p50: handler to send ${results.pressToGrant.split.pressToSendMs.toFixed(1)} ms, RequestFloor round trip ${results.pressToGrant.split.roundTripMs.toFixed(1)} ms, answer to on-air ${results.pressToGrant.split.answerToOnAirMs.toFixed(1)} ms`);
    results.pressToFirstAudio = { ...stats(firstAudio), getStats: (await breakdown(b.page)).at(-1) };
    console.log(`press-to-grant (in page): ${fmt(results.pressToGrant)}`);
    console.log(`press-to-first-audio at the listener: ${fmt(results.pressToFirstAudio)}`);

    // The same press dispatched from script: no trip through Chromium's input pipeline, which after a real input
    // event holds other tasks (the WebSocket reply among them) until the next rendered frame.
    const scripted = [];
    for (let i = 0; i < SAMPLES; i++) {
      await a.page.evaluate(() => performance.clearMarks());
      await a.page.evaluate(() => window.dispatchEvent(new KeyboardEvent('keydown', { code: 'Space' })));
      await a.page.getByText('On air').waitFor({ timeout: 2000 });
      const [press] = await marks(a.page, 'walkie:press');
      const [onAir] = await marks(a.page, 'walkie:on-air');
      scripted.push(onAir - press);
      await a.page.evaluate(() => window.dispatchEvent(new KeyboardEvent('keyup', { code: 'Space' })));
      await b.page.getByText('Channel clear').waitFor({ timeout: 2000 });
    }
    results.pressToGrantScripted = stats(scripted);
    console.log(`press-to-grant, press dispatched from script: ${fmt(results.pressToGrantScripted)}`);

    // 3. Join-to-first-audio: the talker holds the floor; the listener clicks Join until it hears them.
    await hold();
    const join = [];
    for (let i = 0; i < SAMPLES; i++) {
      await b.page.getByRole('button', { name: 'Leave' }).click();
      await b.page.getByRole('button', { name: 'Join' }).waitFor();
      await b.page.evaluate(() => { performance.clearMarks(); window.__bench.received = []; });
      await b.page.getByRole('button', { name: 'Join' }).click();
      const heard = await waitFor(async () => (await b.page.evaluate(() => window.__bench.received)).at(0), { timeout: 5000, message: 'the joiner to hear the talker' }).catch(async (e) => {
        console.error('diagnostics:', await b.page.evaluate(() => ({ status: document.getElementById('status')?.textContent, talker: document.getElementById('talker')?.textContent, pcs: window.__pcs.map((p) => p.connectionState), ctx: window.__bench.ctx.state })), await a.page.evaluate(() => document.getElementById('ptt-state')?.textContent));
        throw e;
      });
      const [clicked] = await marks(b.page, 'walkie:join');
      join.push(heard - clicked);
    }
    await letGo();
    results.joinToFirstAudio = { ...stats(join), getStats: (await breakdown(b.page)).at(-1) };
    console.log(`join-to-first-audio: ${fmt(results.joinToFirstAudio)}`);
  } finally {
    await browser.close();
    await server.stop();
  }

  const dir = join(here, 'results');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `latency-${results.date.replace(/[:.]/g, '-')}`);
  writeFileSync(`${file}.json`, JSON.stringify(results, null, 2));
  const row = (label, s) => `| ${label} | ${s.p50?.toFixed(1)} | ${s.p95?.toFixed(1)} | ${s.max?.toFixed(1)} | ${s.n} | ${s.getStats ? `${s.getStats.jitterBufferMs?.toFixed(1)} / ${s.getStats.processingDelayMs?.toFixed(1)} / ${s.getStats.rttMs?.toFixed(1)} / ${s.getStats.concealedSamples} / ${s.getStats.packetsPerSecond?.toFixed(0) ?? ''}` : ''} |`;
  const md = [
    `### Browser latency, ${results.date}`, '', `Machine: ${results.machine}`, '',
    '| measure | p50 ms | p95 ms | max ms | n | jitter buffer / processing / RTT ms / concealed samples / packets/s |',
    '|---|---|---|---|---|---|',
    ...Object.entries(results.mouthToEar).map(([k, v]) => row(`mouth-to-ear, ${k === 'walkie' ? '**Walkie**' : `plain WebRTC, ${k}`}`, v)),
    row('press-to-grant (in page, real pointer input)', results.pressToGrant),
    row('press-to-grant (in page, press dispatched from script)', results.pressToGrantScripted),
    row('press-to-first-audio at listener', results.pressToFirstAudio),
    row('join-to-first-audio', results.joinToFirstAudio),
    '', `Press-to-grant split (p50, real input): handler to send ${results.pressToGrant.split.pressToSendMs.toFixed(1)} ms, RequestFloor round trip ${results.pressToGrant.split.roundTripMs.toFixed(1)} ms, answer to on-air ${results.pressToGrant.split.answerToOnAirMs.toFixed(1)} ms`,
    '', `Walkie / same-run baseline, mouth-to-ear: p50 ${results.ratio.p50.toFixed(2)}, p95 ${results.ratio.p95.toFixed(2)}`,
  ].join('\n');
  writeFileSync(`${file}.md`, md + '\n');
  console.log(`\n${md}\n\nresults: ${file}.json and .md`);
}

await main();
