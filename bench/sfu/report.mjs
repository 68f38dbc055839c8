// Turns what the workers and /proc measured into per-step figures, the ramp's verdict, and the markdown table.

/** Nearest-rank percentiles, as the other benchmarks report them. */
export function percentiles(values) {
  const sorted = values.filter((v) => v !== null && Number.isFinite(v)).sort((a, b) => a - b);
  const at = (p) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)] : null);
  return { n: sorted.length, p50: at(0.5), p95: at(0.95), p99: at(0.99), max: sorted.at(-1) ?? null };
}

/** Least-squares slope of y over x; null with fewer than two distinct x. */
export function slope(points) {
  const n = points.length;
  const mx = points.reduce((s, p) => s + p.x, 0) / n;
  const my = points.reduce((s, p) => s + p.y, 0) / n;
  const sxx = points.reduce((s, p) => s + (p.x - mx) ** 2, 0);
  return sxx > 0 ? points.reduce((s, p) => s + (p.x - mx) * (p.y - my), 0) / sxx : null;
}

/**
 * Delivery over a step: packets counted in each talk's steady window against what the talker sent in it. Listeners
 * that never came up count as having received nothing, so a failed setup shows up as loss.
 */
function delivery(talks, perListener, target) {
  const expected = talks.reduce((s, t) => s + t.expected, 0);
  const everyTalk = perListener.filter((l) => l.counts.every((c, i) => c >= 0.9 * talks[i].expected)).length;
  const silent = perListener.filter((l) => l.counts.every((c) => c === 0)).length;
  // A packet on the window's edge can make a count one over what was sent; it must not hide a loss elsewhere.
  const got = (l) => l.counts.reduce((a, c, i) => a + Math.min(c, talks[i].expected), 0);
  const received = perListener.reduce((s, l) => s + got(l), 0);
  return {
    expectedPerListener: expected,
    deliveredPct: target && expected ? (100 * received) / (expected * target) : null,
    listenersAtLeast90Pct: target ? everyTalk / target : null,
    listenersWithNothing: silent + (target - perListener.length),
    worstListenerPct: perListener.length && expected ? (100 * Math.min(...perListener.map(got))) / expected : null,
  };
}

/** Each talk's delivery across listeners, to tell one bad talk from loss spread over all of them. */
function perTalk(talks, perListener) {
  if (perListener.length === 0) {
    return [];
  }
  return talks.map((t, i) => {
    const pct = perListener.map((l) => (100 * Math.min(l.counts[i], t.expected)) / t.expected);
    return { talker: t.talker, expected: t.expected, meanPct: pct.reduce((a, b) => a + b, 0) / pct.length, minPct: Math.min(...pct) };
  });
}

/** Floor change to first packet at each listener, for every talk. A talk a listener did not hear is counted apart. */
function floorChange(talks, perListener) {
  const samples = [];
  let unheard = 0;
  for (const l of perListener) {
    l.first.forEach((t1, i) => (t1 === null ? unheard++ : samples.push(t1 - talks[i].t0)));
  }
  return { ...percentiles(samples), unheard };
}

/** Everything reported for one listener count. */
export function summariseStep({ target, setups, setupSeconds, talks, perListener, cpu, late, idleWindows }) {
  const sentSeconds = talks.reduce((s, t) => s + (t.to - t.from) / 1000, 0);
  const idlePackets = perListener.reduce((s, l) => s + l.idlePackets, 0);
  return {
    listeners: target,
    connected: perListener.length,
    dropped: perListener.filter((l) => l.dropped).length,
    setupSeconds,
    setupFailures: setups.failures.map((s) => `${s.name}: ${s.error}`),
    // Only this step's new listeners: how long a setup takes with this many already listening.
    setupMs: percentiles(setups.added.filter((s) => s.ok).map((s) => s.setupMs)),
    talks: talks.length,
    talkerPacketsPerSecond: sentSeconds ? talks.reduce((s, t) => s + t.expected, 0) / sentSeconds : null,
    delivery: delivery(talks, perListener, target),
    floorChange: floorChange(talks, perListener),
    pressToGrant: percentiles(talks.map((t) => t.t0 - t.pressedAt)),
    joinToFirstAudio: { ...percentiles(late.map((l) => l.joinToFirstMs)), unheard: late.filter((l) => l.joinToFirstMs === null).length, failed: late.filter((l) => l.error).map((l) => l.error) },
    idlePacketsPerListener: perListener.length && idleWindows ? idlePackets / perListener.length : 0,
    // Audio still arriving long after a release is either a forward that outlived the floor or a backlog somewhere.
    releaseToLastPacket: percentiles(perListener.flatMap((l) => l.tails)),
    perTalk: perTalk(talks, perListener),
    cpu,
  };
}

/** Machine CPU not used by any measured group: the coordinator, the kernel's loopback work, and other people's jobs. */
function otherCpu(cpu) {
  // The two kinds of reading are taken a few ms apart and in whole ticks, so a quiet machine can come out slightly below 0.
  return Math.max(0, cpu.machineBusy - Object.values(cpu.groups).reduce((a, b) => a + b, 0));
}

const groupNames = { janus: 'Janus', walkie: 'Walkie', listeners: 'listener workers', chromium: 'Chromium' };

/** Who used the CPU in a step, busiest first, and whether the machine or a single-threaded worker was saturated. */
function limiter(step) {
  const { groups, workers, machineBusy, capacity } = step.cpu;
  const outside = otherCpu(step.cpu);
  const busiest = Object.entries(groups).sort((a, b) => b[1] - a[1]).map(([k, v]) => `${groupNames[k]} ${v.toFixed(0)} %`).join(', ');
  const reasons = [];
  if (machineBusy >= 0.9 * capacity) {
    reasons.push(`the machine was saturated (${machineBusy.toFixed(0)} % of ${capacity} %, ${outside.toFixed(0)} % of it outside Janus, Walkie, the listeners and Chromium)`);
  }
  // A Node worker runs its listeners on one thread: at a full core it, not the SFU, drops packets.
  workers.filter((w) => w >= 90).forEach((w) => reasons.push(`a listener worker used ${w.toFixed(0)} % of its one core (the benchmark's own limit)`));
  return `${reasons.length ? reasons.join('; ') : 'no process or the machine was at its limit'}; CPU: ${busiest}`;
}

/**
 * The ramp's verdict: the largest count before loss (> 2 % of expected packets missing) or delay degrades, and what
 * limited it. Delay degrades when the floor-change p95 is both over twice the smallest count's and past what a person
 * starts to notice in a hand-over (200 ms); on a shared 2-core machine the first alone trips on noise.
 */
const noticeableMs = 200;

export function verdict(steps) {
  const ramp = steps.filter((s) => s.listeners > 0 && s.floorChange.n > 0);
  if (ramp.length === 0) {
    return { largestGood: null, text: 'no listener count produced floor-change samples' };
  }
  const baseP95 = ramp[0].floorChange.p95;
  const problems = (s) => [
    s.delivery.deliveredPct < 98 && `${(100 - s.delivery.deliveredPct).toFixed(1)} % of packets missing`,
    s.floorChange.p95 > Math.max(2 * baseP95, noticeableMs)
      && `floor-change p95 ${s.floorChange.p95.toFixed(0)} ms > max(2 × ${baseP95.toFixed(0)}, ${noticeableMs}) ms`,
  ].filter(Boolean);
  const bad = ramp.find((s) => problems(s).length > 0);
  const good = ramp.filter((s) => !bad || s.listeners < bad.listeners).at(-1) ?? null;
  const largestGood = good?.listeners ?? null;
  const text = bad
    ? `largest count before degrading: ${largestGood ?? 'none'}; at ${bad.listeners}: ${problems(bad).join(', ')}; ${limiter(bad)}`
    : `no degradation up to ${good.listeners} listeners; at ${good.listeners}: ${limiter(good)}`;
  return { largestGood, degradedAt: bad?.listeners ?? null, baseFloorChangeP95: baseP95, text };
}

/** CPU at 0 listeners and the slope per listener, per process group, over every step. */
export function cpuSlopes(steps) {
  const out = {};
  for (const name of Object.keys(groupNames)) {
    const points = steps.map((s) => ({ x: s.listeners, y: s.cpu.groups[name] }));
    out[name] = { atZero: steps.find((s) => s.listeners === 0)?.cpu.groups[name] ?? null, perListener: slope(points) };
  }
  return out;
}

const f = (v, digits = 1) => (v === null || v === undefined || Number.isNaN(v) ? '–' : v.toFixed(digits));

export function markdown(results) {
  const { machine, options, steps, slopes, verdict: v } = results;
  const row = (s) => {
    const d = s.delivery;
    const fc = s.floorChange;
    const j = s.joinToFirstAudio;
    const c = s.cpu;
    return `| ${s.listeners} | ${s.connected}${s.dropped ? `, ${s.dropped} dropped` : ''} (${f(s.setupSeconds)} s) | ${s.listeners ? `${f(d.deliveredPct)} % (worst ${f(d.worstListenerPct, 0)} %)` : '–'} | ${s.listeners ? `${f(100 * d.listenersAtLeast90Pct, 0)} %` : '–'} `
      + `| ${f(fc.p50)} / ${f(fc.p95)} / ${f(fc.p99)} (n=${fc.n}${fc.unheard ? `, ${fc.unheard} unheard` : ''}) | ${f(j.p50)} / ${f(j.p95)} (n=${j.n}) `
      + `| ${f(c.groups.janus, 0)} | ${f(c.groups.walkie, 0)} | ${f(c.groups.listeners, 0)} | ${f(c.groups.chromium, 0)} | ${f(otherCpu(c), 0)} | ${f(c.machineBusy, 0)} (${f(c.machineSteal, 0)}) |`;
  };
  return [
    `### SFU scale, ${results.date}`,
    '',
    `Machine: ${machine.cpu}, ${machine.cores} cores; Janus ${machine.janus}, Chromium ${machine.chromium}, .NET ${machine.dotnet}, Node ${machine.node}, werift ${machine.werift}; load average at start ${machine.loadAverage}.`,
    `Two Chromium talkers alternate the floor; ${options.workers} listener worker processes. Per count: one ${options.windowMs / 1000} s talk (CPU window), ${options.lateJoiners} late joiners, then ${options.changes} more floor changes (${options.talkMs / 1000} s talks, ${options.gapMs / 1000} s idle between).`,
    '',
    '| listeners | up (time to add) | packets delivered (worst listener) | listeners ≥ 90 % in every talk | floor change → first packet p50 / p95 / p99 ms | join → first audio p50 / p95 ms | Janus CPU % | Walkie CPU % | listeners CPU % | Chromium CPU % | other CPU % | machine busy % (steal) |',
    '|---|---|---|---|---|---|---|---|---|---|---|---|',
    ...steps.map(row),
    '',
    `CPU in % of one core over the steady talking window; machine busy out of ${machine.cores * 100} %. "Other" is the machine's busy time outside the four: this benchmark's coordinator, the kernel's loopback work, and anything else running.`,
    '',
    '| process | CPU % at 0 listeners | slope, % of a core per listener | per 100 listeners |',
    '|---|---|---|---|',
    ...Object.entries(slopes).map(([k, s]) => `| ${groupNames[k]} | ${f(s.atZero)} | ${f(s.perListener, 3)} | ${f(s.perListener === null ? null : 100 * s.perListener)} |`),
    '',
    `**Verdict:** ${v.text}.`,
  ].join('\n');
}
