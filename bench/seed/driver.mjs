// Drives Walkie or the seed server with pairs of clients and measures talk-state changes: server CPU per change
// (from /proc) and delivery latency. Method: docs/BENCHMARKS.md, "Seed comparison".
//   node bench/seed/driver.mjs --target walkie|seed --url http://127.0.0.1:PORT --server-pid PID
//     [--pairs 50] [--rate 500] [--seconds 20] [--warmup 40] [--idle 3] [--out result.json] [--label name] [--round 1]
import { readFileSync, writeFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { seedPair, traffic, walkiePair } from './clients.mjs';
import { byThread, cpuPressureUs, probe } from './proc.mjs';

const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : fallback;
};
const TARGET = arg('target');
const URL_ = arg('url');
const PID = Number(arg('server-pid'));
const PAIRS = Number(arg('pairs', 50));
const RATE = Number(arg('rate', 500)); // talk-state changes per second, all pairs together
const SECONDS = Number(arg('seconds', 20));
const WARMUP = Number(arg('warmup', 40)); // .NET's tiered JIT, on one core, keeps recompiling for about 30 s
const IDLE = Number(arg('idle', 3)); // pairs connected, nobody talking: the server's idle CPU
const OUT = arg('out');
const LABEL = arg('label', TARGET);
const ROUND = Number(arg('round', 1));
if (!['walkie', 'seed'].includes(TARGET) || !URL_ || !PID) {
  console.error('usage: driver.mjs --target walkie|seed --url http://127.0.0.1:PORT --server-pid PID [--pairs 50] [--rate 500] [--seconds 20]');
  process.exit(2);
}
// Every phase is bounded; this is the backstop if a server stops answering altogether.
setTimeout(() => {
  console.error('driver: overall time limit reached');
  process.exit(3);
}, (IDLE + WARMUP + SECONDS + 120) * 1000).unref();

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const stats = (values) => {
  const sorted = Float64Array.from(values).sort();
  const at = (p) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)] : NaN);
  return { n: sorted.length, p50: at(0.5), p95: at(0.95), p99: at(0.99), max: sorted.at(-1) ?? NaN };
};

// Connect and join every pair, ten at a time.
const pairs = [];
for (let i = 0; i < PAIRS; i += 10) {
  const batch = [];
  for (let j = i; j < Math.min(PAIRS, i + 10); j++) batch.push((TARGET === 'walkie' ? walkiePair : seedPair)(URL_, j));
  pairs.push(...(await Promise.all(batch)));
}

const idleStart = probe(PID);
await sleep(IDLE * 1000);
const idleCpuMsPerSecond = (probe(PID).cpuMs - idleStart.cpuMs) / IDLE;

// Closed loop per pair, paced: member A makes its next change one interval after the last was scheduled, or as
// soon as the last one was delivered (and, for Walkie, answered) if that took longer. Pairs start evenly staggered,
// so together they make RATE changes a second while nothing is slow. A change counts when it was made in the window.
const interval = (1000 * PAIRS) / RATE;
const begin = performance.now() + 100;
const windowStart = begin + WARMUP * 1000;
const windowEnd = windowStart + SECONDS * 1000;
const latencies = [];
let late = 0;
let failed = 0;
const marks = {};

async function drive(pair, index) {
  let next = begin + (index * interval) / PAIRS;
  let kind = 'start';
  for (let k = 0; k < 1e6; k++) {
    const wait = next - performance.now();
    if (wait > 0) await sleep(wait);
    const t0 = performance.now();
    if (t0 >= windowEnd) return;
    const delivered = pair.delivered(kind);
    try {
      const [, t1] = await Promise.all([pair.change(kind), delivered]);
      if (t0 >= windowStart) {
        latencies.push(t1 - t0);
        if (t0 - next > 5) late++;
      }
    } catch (e) {
      failed++;
      console.error(`pair ${index}: ${e.message}; it stops`);
      return;
    }
    kind = kind === 'start' ? 'stop' : 'start';
    next = Math.max(next + interval, performance.now());
  }
}

async function mark(key, at) {
  await sleep(at - performance.now());
  marks[key] = { server: probe(PID), pressureUs: cpuPressureUs(), traffic: { ...traffic }, driverCpu: process.cpuUsage(), at: performance.now() };
}

await Promise.all([...pairs.map(drive), mark('start', windowStart), mark('end', windowEnd)]);

const changes = latencies.length;
const seconds = (marks.end.at - marks.start.at) / 1000;
const serverMs = marks.end.server.cpuMs - marks.start.server.cpuMs;
const driverCpu = process.cpuUsage(marks.start.driverCpu);
const pressure = marks.start.pressureUs === null ? null : (marks.end.pressureUs - marks.start.pressureUs) / (10_000 * seconds);
const result = {
  label: LABEL,
  round: ROUND,
  target: TARGET,
  date: new Date().toISOString(),
  pairs: PAIRS,
  rateTarget: RATE,
  seconds,
  changes,
  changesPerSecond: changes / seconds,
  late, // made more than 5 ms after their time: the pair was still waiting, or the driver was held up
  failed,
  serverCpuMs: serverMs,
  serverCpuMsPer1000Changes: (1000 * serverMs) / changes,
  serverCpuPercent: serverMs / (10 * seconds),
  serverIdleCpuMsPerSecond: idleCpuMsPerSecond,
  serverCpuByThread: byThread(marks.start.server, marks.end.server, changes),
  serverRssMiB: marks.end.server.rssMiB,
  perChange: Object.fromEntries(Object.keys(traffic).map((k) => [k, (marks.end.traffic[k] - marks.start.traffic[k]) / changes])),
  // Share of the window in which some task waited for a CPU: other processes, or the server's own threads queuing
  // for its one core. Near 0 means nothing competed.
  cpuPressurePercent: pressure,
  loadAverage: Number(readFileSync('/proc/loadavg', 'utf8').split(' ')[0]),
  driverCpuPercent: (driverCpu.user + driverCpu.system) / (10_000 * seconds),
  deliveryMs: stats(latencies),
};

const d = result.deliveryMs;
const c = result.perChange;
const threads = Object.entries(result.serverCpuByThread).slice(0, 4).map(([name, ms]) => `${name} ${ms.toFixed(0)}`).join(', ');
console.log(`${LABEL}: ${changes} changes in ${seconds.toFixed(1)} s (${result.changesPerSecond.toFixed(0)}/s, ${late} late, ${failed} failed); ` +
  `server CPU ${result.serverCpuMsPer1000Changes.toFixed(1)} ms per 1,000 changes (${result.serverCpuPercent.toFixed(0)} %, idle ${idleCpuMsPerSecond.toFixed(1)} ms/s; ${threads}); ` +
  `delivery p50 ${d.p50.toFixed(2)} / p95 ${d.p95.toFixed(2)} / p99 ${d.p99.toFixed(2)} ms; ` +
  `per change ${c.messagesIn.toFixed(2)} messages in + ${c.messagesOut.toFixed(2)} out (frames ${c.framesIn.toFixed(2)} + ${c.framesOut.toFixed(2)}); ` +
  `driver CPU ${result.driverCpuPercent.toFixed(0)} %; CPU pressure ${pressure?.toFixed(1)} %`);
if (OUT) writeFileSync(OUT, `${JSON.stringify(result, null, 2)}\n`);

await Promise.race([Promise.allSettled(pairs.map((p) => p.close())), sleep(3000)]);
process.exit(0);
