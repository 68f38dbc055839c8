// What the driver reads from /proc: the server's CPU time (in all and by thread) and the machine's CPU pressure.
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

const TICKS = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }));

/** User + system CPU time in ms of a /proc/…/stat: fields 14 and 15 of proc(5), counted after the command name. */
function cpuMs(path) {
  const stat = readFileSync(path, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / TICKS;
}

/** A process's CPU time (its ended threads included), each live thread's with its name, and its memory. */
export function probe(pid) {
  const threads = {};
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    try {
      threads[tid] = { name: readFileSync(`/proc/${pid}/task/${tid}/comm`, 'utf8').trim(), ms: cpuMs(`/proc/${pid}/task/${tid}/stat`) };
    } catch {
      // The thread ended meanwhile.
    }
  }
  const rss = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return { cpuMs: cpuMs(`/proc/${pid}/stat`), threads, rssMiB: Number(rss?.[1] ?? 0) / 1024 };
}

/**
 * CPU ms per 1,000 changes between two probes, by thread name (where it goes: JIT, thread pool, sockets…).
 * 'ended threads' is what threads that ended in between had used.
 */
export function byThread(before, after, changes) {
  const named = {};
  for (const [tid, { name, ms }] of Object.entries(after.threads)) {
    named[name] = (named[name] ?? 0) + ms - (before.threads[tid]?.ms ?? 0);
  }
  named['ended threads'] = after.cpuMs - before.cpuMs - Object.values(named).reduce((a, b) => a + b, 0);
  return Object.fromEntries(Object.entries(named)
    .map(([name, ms]) => [name, (1000 * ms) / changes])
    .filter(([, ms]) => ms >= 0.5)
    .sort((a, b) => b[1] - a[1]));
}

/**
 * Microseconds in which some runnable task on the machine waited for a CPU (Linux pressure stall information),
 * or null where the kernel does not offer it.
 */
export function cpuPressureUs() {
  try {
    return Number(/^some .*total=(\d+)/m.exec(readFileSync('/proc/pressure/cpu', 'utf8'))[1]);
  } catch {
    return null;
  }
}
