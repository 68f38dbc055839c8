// Turns bench/seed.sh's per-run results into one markdown table and one JSON file.
//   node bench/seed/report.mjs RUNS_DIR OUT_BASENAME   (reads RUNS_DIR/*.json, writes OUT_BASENAME.md and .json)
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';

const [dir, out] = process.argv.slice(2);
const meta = JSON.parse(readFileSync(join(dir, 'meta.json'), 'utf8'));
const runs = readdirSync(dir)
  .filter((f) => /^\d+-.+\.json$/.test(f))
  .sort()
  .map((f) => JSON.parse(readFileSync(join(dir, f), 'utf8')));

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const f1 = (x) => (Number.isFinite(x) ? x.toFixed(1) : '–');
const f2 = (x) => (Number.isFinite(x) ? x.toFixed(2) : '–');
const threads = (byThread) => Object.entries(byThread).slice(0, 3).map(([name, ms]) => `${name} ${ms.toFixed(0)}`).join(', ');
const lat = (d) => `${f2(d.p50)} / ${f2(d.p95)} / ${f2(d.p99)}`;

// One summary row per server: the median of its runs, and its ratio to the seed's median.
const labels = [...new Set(runs.map((r) => r.label))];
const summary = labels.map((label) => {
  const mine = runs.filter((r) => r.label === label);
  const cpu = mine.map((r) => r.serverCpuMsPer1000Changes);
  const pick = (p) => median(mine.map((r) => r.deliveryMs[p]));
  return {
    label,
    runs: mine.length,
    cpuMsPer1000: median(cpu),
    cpuRange: [Math.min(...cpu), Math.max(...cpu)],
    p95Range: [Math.min(...mine.map((r) => r.deliveryMs.p95)), Math.max(...mine.map((r) => r.deliveryMs.p95))],
    deliveryMs: { p50: pick('p50'), p95: pick('p95'), p99: pick('p99') },
  };
});
const seed = summary.find((s) => s.label === meta.seedLabel);
for (const s of summary) {
  s.roundRatios = runs.filter((r) => r.label === s.label).map((r) => {
    const base = runs.find((b) => b.label === seed.label && b.round === r.round);
    return r.serverCpuMsPer1000Changes / base?.serverCpuMsPer1000Changes;
  });
  s.ratio = {
    cpu: s.cpuMsPer1000 / seed.cpuMsPer1000,
    p50: s.deliveryMs.p50 / seed.deliveryMs.p50,
    p95: s.deliveryMs.p95 / seed.deliveryMs.p95,
    p99: s.deliveryMs.p99 / seed.deliveryMs.p99,
  };
}

const machine = `${cpus().length} cores (${cpus()[0]?.model}), ${meta.runtime}`;
const lines = [
  `# Seed comparison, ${meta.date}`,
  '',
  `Machine: ${machine}. Each server on core 0, the driver on core 1.`,
  `${meta.pairs} pairs, ${meta.rate} talk-state changes/s in all, ${meta.warmup} s warm-up then ${meta.seconds} s measured, ` +
    `${meta.rounds} round(s) in alternation; medians over the rounds.`,
  '',
  '| server | CPU ms per 1,000 changes | delivery p50 / p95 / p99 ms | ratio Walkie/seed: CPU; p50 / p95 / p99 |',
  '|---|---|---|---|',
  ...summary.map((s) => `| ${s.label} | ${f1(s.cpuMsPer1000)} | ${lat(s.deliveryMs)} | ` +
    (s === seed ? '1' : `${f2(s.ratio.cpu)}; ${f2(s.ratio.p50)} / ${f2(s.ratio.p95)} / ${f2(s.ratio.p99)}`) + ' |'),
  '',
  'Spread over the rounds (min – max): ' +
    summary.map((s) => `${s.label}: CPU ${f1(s.cpuRange[0])} – ${f1(s.cpuRange[1])}, p95 ${f2(s.p95Range[0])} – ${f2(s.p95Range[1])}`).join('; ') + '.',
  'CPU ratio to the same round\'s seed, round by round: ' +
    summary.filter((s) => s !== seed).map((s) => `${s.label}: ${s.roundRatios.map(f2).join(', ')}`).join('; ') + '.',
  '',
  '| round | server | changes/s | server CPU % (idle ms/s) | CPU ms per 1,000 changes | delivery p50 / p95 / p99 / max ms | messages per change in + out (frames) | server CPU by thread, ms per 1,000 changes | driver CPU % | CPU pressure % | late / failed |',
  '|---|---|---|---|---|---|---|---|---|---|---|',
  ...runs.map((r) => `| ${r.round} | ${r.label} | ${r.changesPerSecond.toFixed(0)} | ${r.serverCpuPercent.toFixed(1)} (${f1(r.serverIdleCpuMsPerSecond)}) | ` +
    `${f1(r.serverCpuMsPer1000Changes)} | ${lat(r.deliveryMs)} / ${f2(r.deliveryMs.max)} | ` +
    `${f2(r.perChange.messagesIn)} + ${f2(r.perChange.messagesOut)} (${f2(r.perChange.framesIn)} + ${f2(r.perChange.framesOut)}) | ` +
    `${threads(r.serverCpuByThread)} | ${r.driverCpuPercent.toFixed(0)} | ${f1(r.cpuPressurePercent)} | ${r.late} / ${r.failed} |`),
  '',
];
writeFileSync(`${out}.md`, lines.join('\n'));
writeFileSync(`${out}.json`, `${JSON.stringify({ benchmark: 'seed', ...meta, machine, summary, runs }, null, 2)}\n`);
console.log(lines.join('\n'));
