// CPU time from /proc: per process (utime + stime of every thread) and for the whole machine, so a window's share of
// a core can be computed for Janus, Walkie, the listener workers and Chromium separately.
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { cpus } from 'node:os';

const ticksPerSecond = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
})();

/** Fields of /proc/PID/stat after the command name, which may itself hold spaces and parentheses. */
function statFields(pid) {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return text.slice(text.lastIndexOf(')') + 2).split(' ');
  } catch {
    return null; // the process is gone
  }
}

/** utime + stime in clock ticks; 0 once the process is gone. */
export function processTicks(pid) {
  const f = statFields(pid);
  // After the name: state(0) ppid(1) … utime(11) stime(12).
  return f ? Number(f[11]) + Number(f[12]) : 0;
}

export function commandLine(pid) {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ');
  } catch {
    return '';
  }
}

function allPids() {
  return readdirSync('/proc').filter((name) => /^\d+$/.test(name)).map(Number);
}

/** Every process below `root`, walked from the root down. */
export function descendants(root) {
  const parent = new Map();
  for (const pid of allPids()) {
    const f = statFields(pid);
    if (f) {
      parent.set(pid, Number(f[1]));
    }
  }
  const found = [];
  const walk = (pid) => {
    for (const [child, p] of parent) {
      if (p === pid) {
        found.push(child);
        walk(child);
      }
    }
  };
  walk(root);
  return found;
}

/** The one direct child of this process whose command line matches; the harness starts Janus and Walkie as such. */
export function childMatching(pattern) {
  const pid = descendants(process.pid).find((p) => pattern.test(commandLine(p)) && statFields(p)?.[1] === String(process.pid));
  if (!pid) {
    throw new Error(`no child process of this benchmark matches ${pattern}`);
  }
  return pid;
}

/** Whole-machine busy and steal ticks from the first line of /proc/stat. */
function machineTicks() {
  const [, ...values] = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/);
  const [user, nice, system, idle, iowait, irq, softirq, steal] = values.map(Number);
  return { busy: user + nice + system + irq + softirq, steal, total: values.slice(0, 8).map(Number).reduce((a, b) => a + b, 0) };
}

function processName(pid) {
  try {
    return readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
  } catch {
    return '?';
  }
}

/** A reading of CPU time so far, for the named groups of processes ({ name: [pid, …] }) and for every process. */
export function readCpu(groups) {
  const ticks = {};
  for (const [name, pids] of Object.entries(groups)) {
    ticks[name] = pids.reduce((sum, pid) => sum + processTicks(pid), 0);
  }
  const each = new Map(allPids().map((pid) => [pid, processTicks(pid)]));
  return { at: performance.now(), ticks, each, machine: machineTicks() };
}

/** The busiest processes in no group: on a shared machine, whatever else was running then. */
function others(before, after, grouped, percent) {
  return [...after.each]
    .filter(([pid]) => !grouped.has(pid) && before.each.has(pid))
    .map(([pid, t]) => ({ pid, name: processName(pid), percent: percent(t - before.each.get(pid)) }))
    .filter((p) => p.percent >= 1)
    .sort((a, b) => b.percent - a.percent)
    .slice(0, 5);
}

/**
 * Percent of one core each group used between two readings, and the machine's busy and steal percent of one core
 * (so a saturated 2-core machine shows about 200), and the busiest processes outside the groups. `groups` is what
 * both readings were taken with.
 */
export function cpuBetween(before, after, groups) {
  const seconds = (after.at - before.at) / 1000;
  const percent = (ticks) => (100 * ticks) / ticksPerSecond / seconds;
  const percents = {};
  for (const name of Object.keys(after.ticks)) {
    percents[name] = percent(after.ticks[name] - before.ticks[name]);
  }
  const share = (field) => (cpus().length * 100 * (after.machine[field] - before.machine[field])) / (after.machine.total - before.machine.total);
  const grouped = new Set(Object.values(groups).flat());
  return {
    seconds, groups: percents, machineBusy: share('busy'), machineSteal: share('steal'), capacity: cpus().length * 100,
    others: others(before, after, grouped, percent),
  };
}
