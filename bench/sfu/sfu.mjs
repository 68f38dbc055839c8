// SFU scale benchmark: a real Janus and Walkie with every channel on the SFU, two Chromium talkers alternating the
// floor through the real client, and N werift listeners on plain hub connections in worker processes. For each
// listener count it measures packet delivery, floor change to first packet, join to first audio, and CPU.
// Usage: node bench/sfu/sfu.mjs [--listeners 50,100,200,300] [--workers 2] [--window 10] [--changes 8]
//        [--talk 2] [--gap 1] [--late 3] [--max-minutes 30]      (bench/sfu.sh installs and builds first)
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { launchBrowser, startServer } from '../../tests/browser/harness.mjs';
import { startJanus } from '../../tests/browser/janus.mjs';
import { childMatching, cpuBetween, descendants, readCpu } from './cpu.mjs';
import { startPool } from './pool.mjs';
import { cpuSlopes, markdown, summariseStep, verdict } from './report.mjs';
import { beginTalk, endTalk, openTalker, packetsSent } from './talkers.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const CHANNEL = 'sfu-bench';

function options(argv) {
  const value = (name, fallback) => {
    const i = argv.indexOf(`--${name}`);
    return i >= 0 ? argv[i + 1] : fallback;
  };
  const seconds = (name, fallback) => 1000 * Number(value(name, fallback));
  const o = {
    listeners: value('listeners', '50,100,200,300').split(',').map(Number),
    workers: Number(value('workers', 2)),
    windowMs: seconds('window', 10),
    changes: Number(value('changes', 8)),
    talkMs: seconds('talk', 2),
    gapMs: seconds('gap', 1),
    lateJoiners: Number(value('late', 3)),
    maxMinutes: Number(value('max-minutes', 30)),
    // Time from on-air to the start of a talk's counting window: forwarding must have started by then.
    leadMs: 700,
  };
  if (o.listeners.some((n) => !Number.isInteger(n) || n < 1) || !(o.workers >= 1) || !(o.changes >= 1)) {
    throw new Error(`bad options: ${JSON.stringify(o)}`);
  }
  o.listeners.sort((a, b) => a - b);
  return o;
}

function version(command, args, pattern) {
  let out;
  try {
    out = execFileSync(command, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  } catch (error) {
    // `janus -V` prints its version and then exits with 1.
    out = error.stdout ?? '';
  }
  return pattern.exec(out)?.[1] ?? (out.trim().split('\n')[0] || 'unknown');
}

function machine(browser) {
  return {
    cpu: cpus()[0]?.model ?? 'unknown',
    cores: cpus().length,
    loadAverage: readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' '),
    janus: version('janus', ['-V'], /Janus version: \d+ \(([^)]+)\)/),
    chromium: browser.version(),
    dotnet: version('dotnet', ['--list-runtimes'], /Microsoft\.AspNetCore\.App (\S+)/),
    node: process.version,
    werift: JSON.parse(readFileSync(join(here, 'node_modules', 'werift', 'package.json'), 'utf8')).version,
  };
}

/** Things to undo, last first; each gets a bounded time so cleanup itself cannot hang the run. */
function cleanupStack() {
  const steps = [];
  return {
    push: (what, undo) => steps.push({ what, undo }),
    async run() {
      while (steps.length) {
        const { what, undo } = steps.pop();
        await Promise.race([undo(), sleep(15000).then(() => { throw new Error('timed out'); })])
          .catch((e) => console.error(`cleanup: stopping ${what} failed: ${e.message}`));
      }
    },
  };
}

/** Starts Janus, Walkie on it, Chromium with both talkers, and the listener workers; registers each for cleanup. */
async function startStack(o, cleanup) {
  const janus = await startJanus();
  cleanup.push('Janus', () => janus.stop());
  const most = o.listeners.at(-1);
  const server = await startServer({
    settings: {
      'Sfu:JanusUrl': janus.url,
      'Sfu:AdminKey': janus.adminKey,
      'Sfu:MeshLimit': 0,
      // Listeners, late joiners and the two talkers, with room for stragglers.
      'Sfu:MaxMembers': Math.min(10000, most + o.lateJoiners + 16),
      // Every listener connects from 127.0.0.1: the per-address limits would stop the ramp, not the SFU.
      'RateLimits:Enabled': false,
      MaxConnectionsPerAddress: 100000,
      MaxChannelsPerAddress: 1000,
      TransmitLimit: '00:00:00',
    },
  });
  const walkiePid = childMatching(/Walkie\.Server\.dll/);
  const killWalkie = () => { try { process.kill(walkiePid, 'SIGKILL'); } catch { /* already gone */ } };
  process.once('exit', killWalkie);
  cleanup.push('Walkie', async () => {
    await server.stop();
    process.off('exit', killWalkie);
  });
  const browser = await launchBrowser();
  cleanup.push('Chromium', () => browser.close());
  const talkers = [];
  for (const name of ['Talker A', 'Talker B']) {
    talkers.push(await openTalker(browser, server.url, { channel: CHANNEL, name }));
  }
  const pool = startPool({ count: o.workers, url: server.url, channel: CHANNEL });
  cleanup.push('listener workers', () => pool.stop());
  await pool.warmUp();
  const pids = {
    janus: childMatching(/^janus /),
    walkie: walkiePid,
    chromium: childMatching(/chrom/),
  };
  // `turn` says whose talk is next: the talkers alternate, so every talk is a floor change to the other page.
  return { janus, server, browser, talkers, pool, pids, turn: 0 };
}

/** The processes of each group now: Chromium's renderers come and go, so its tree is read at each window. */
function processGroups(stack) {
  const workers = stack.pool.pids();
  return {
    janus: [stack.pids.janus],
    walkie: [stack.pids.walkie],
    listeners: workers,
    chromium: [stack.pids.chromium, ...descendants(stack.pids.chromium)],
    ...Object.fromEntries(workers.map((pid, i) => [`worker${i + 1}`, [pid]])),
  };
}

function cpuOf(before, after, groups) {
  const c = cpuBetween(before, after, groups);
  const workers = Object.keys(c.groups).filter((k) => k.startsWith('worker')).map((k) => c.groups[k]);
  const { janus, walkie, listeners, chromium } = c.groups;
  return { ...c, groups: { janus, walkie, listeners, chromium }, workers };
}

async function lateJoiners(stack, o) {
  const late = [];
  for (let i = 0; i < o.lateJoiners; i++) {
    late.push(await stack.pool.late(8000).catch((e) => ({ joinToFirstMs: null, error: e.message })));
  }
  return late;
}

/**
 * One talk by whoever's turn it is. Its counting window runs from leadMs after on-air for `holdMs`. The hooks run
 * at the window's start and, still on air, at its end (the CPU reading and the late joiners).
 */
async function talk(stack, o, holdMs, { atStart = () => {}, atEnd = async () => {} } = {}) {
  const talker = stack.talkers[stack.turn++ % stack.talkers.length];
  const started = await beginTalk(talker);
  await sleep(o.leadMs);
  const s0 = await packetsSent(talker);
  atStart();
  await sleep(holdMs);
  const s1 = await packetsSent(talker);
  await atEnd();
  const releasedAt = await endTalk(talker);
  return { ...started, from: s0.at, to: s1.at, expected: s1.packets - s0.packets, releasedAt, until: releasedAt + o.gapMs * 0.9 };
}

/** A long talk with the CPU window and the late joiners, then short talks for more floor changes. */
async function measureStep(stack, o, target, setups, setupSeconds) {
  await stack.pool.reset();
  const talks = [];
  let before;
  let cpu;
  let late;
  talks.push(await talk(stack, o, o.windowMs, {
    atStart: () => {
      const groups = processGroups(stack);
      before = { groups, reading: readCpu(groups) };
    },
    atEnd: async () => {
      cpu = cpuOf(before.reading, readCpu(before.groups), before.groups);
      late = await lateJoiners(stack, o);
    },
  }));
  await sleep(o.gapMs);
  // With nobody listening there is nothing to time but the CPU baseline and the late joiners.
  const changes = target > 0 ? o.changes : 0;
  for (let i = 0; i < changes; i++) {
    talks.push(await talk(stack, o, o.talkMs));
    await sleep(o.gapMs);
  }
  // Idle: from half a second after each release to just before the next press. Nothing should arrive then.
  const idle = talks.slice(1).map((t, i) => ({ from: talks[i].releasedAt + 500, to: t.pressedAt - 20 }));
  const perListener = target > 0 ? await stack.pool.query({ talks, idle, gapMs: 300 }) : [];
  return summariseStep({ target, setups, setupSeconds, talks, perListener, cpu, late, idleWindows: idle.length });
}

function printStep(s) {
  const d = s.delivery;
  const fc = s.floorChange;
  const c = s.cpu.groups;
  const n = (v, digits = 1) => (v === null ? '–' : v.toFixed(digits));
  console.log(`${s.listeners} listeners (${s.connected} up in ${n(s.setupSeconds)} s, ${s.dropped} dropped, setup p50 ${n(s.setupMs.p50, 0)} ms): `
    + `delivered ${n(d.deliveredPct)} % (worst listener ${n(d.worstListenerPct)} %), ≥90 % in every talk ${n(100 * (d.listenersAtLeast90Pct ?? 0), 0)} %, `
    + `floor change p50/p95/p99 ${n(fc.p50)}/${n(fc.p95)}/${n(fc.p99)} ms (n=${fc.n}, unheard ${fc.unheard}), `
    + `join→audio p50/p95 ${n(s.joinToFirstAudio.p50)}/${n(s.joinToFirstAudio.p95)} ms, talker ${n(s.talkerPacketsPerSecond)} pkt/s, idle pkts/listener ${n(s.idlePacketsPerListener)}, `
    + `release→last packet p50/p95/max ${n(s.releaseToLastPacket.p50)}/${n(s.releaseToLastPacket.p95)}/${n(s.releaseToLastPacket.max)} ms, `
    + `worst talk ${n(s.perTalk.length ? Math.min(...s.perTalk.map((t) => t.meanPct)) : null)} % on average; `
    + `CPU % Janus ${n(c.janus, 0)} Walkie ${n(c.walkie, 0)} listeners ${n(c.listeners, 0)} [${s.cpu.workers.map((w) => w.toFixed(0)).join(', ')}] Chromium ${n(c.chromium, 0)} machine ${n(s.cpu.machineBusy, 0)}/${s.cpu.capacity} (steal ${n(s.cpu.machineSteal, 0)}); `
    + `others: ${s.cpu.others.map((p) => `${p.name} ${p.percent.toFixed(0)}`).join(', ') || 'none'}`);
  if (s.setupFailures.length) {
    console.log(`  setup failures (${s.setupFailures.length}): ${s.setupFailures.slice(0, 3).join(' | ')}`);
  }
}

/** A step whose listeners mostly never came up or heard nothing says nothing more at higher counts. */
function hopeless(step) {
  return step.listeners > 0 && (step.connected < step.listeners / 2 || step.delivery.deliveredPct < 50);
}

async function ramp(stack, o) {
  const steps = [];
  for (const target of [0, ...o.listeners]) {
    const begun = performance.now();
    if (target > 0) {
      console.log(`adding listeners up to ${target}…`);
    }
    const added = target > 0 ? await stack.pool.grow(target) : [];
    const setupSeconds = (performance.now() - begun) / 1000;
    const step = await measureStep(stack, o, target, { added, failures: stack.pool.failures() }, setupSeconds);
    printStep(step);
    steps.push(step);
    if (hopeless(step)) {
      console.log(`stopping the ramp at ${target}: most listeners are not up or not hearing anything`);
      break;
    }
  }
  return steps;
}

function write(results) {
  const dir = join(here, '..', 'results');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `sfu-${results.date.replace(/[:.]/g, '-')}`);
  writeFileSync(`${file}.json`, JSON.stringify(results, null, 2));
  const md = markdown(results);
  writeFileSync(`${file}.md`, `${md}\n`);
  console.log(`\n${md}\n\nresults: ${file}.json and .md`);
}

async function main() {
  const o = options(process.argv.slice(2));
  const cleanup = cleanupStack();
  const abort = (why, code) => {
    console.error(why);
    cleanup.run().finally(() => process.exit(code));
  };
  process.once('SIGINT', () => abort('interrupted', 130));
  process.once('SIGTERM', () => abort('terminated', 143));
  const watchdog = setTimeout(() => abort(`the benchmark ran longer than --max-minutes ${o.maxMinutes}; stopping`, 2), o.maxMinutes * 60000);
  try {
    const stack = await startStack(o, cleanup);
    const results = { benchmark: 'sfu', date: new Date().toISOString(), machine: machine(stack.browser), options: o };
    const m = results.machine;
    console.log(`Walkie SFU scale benchmark, ${results.date}: ${m.cpu}, ${m.cores} cores, Janus ${m.janus}, Chromium ${m.chromium}, .NET ${m.dotnet}, Node ${m.node}, werift ${m.werift}, load ${m.loadAverage}`);
    results.steps = await ramp(stack, o);
    results.slopes = cpuSlopes(results.steps);
    results.verdict = verdict(results.steps);
    write(results);
  } finally {
    clearTimeout(watchdog);
    await cleanup.run();
  }
}

await main();
