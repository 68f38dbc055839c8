// The coordinator's side of the listener workers: forks them, spreads listeners over them round-robin, and merges
// their answers. Every request has a deadline, so a stuck worker fails the run instead of hanging it.
import { fork } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));

class Worker {
  constructor(index) {
    this.index = index;
    this.child = fork(join(here, 'worker.mjs'), [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    this.pending = new Map();
    this.nextId = 0;
    this.child.on('message', ({ id, result, error }) => {
      const p = this.pending.get(id);
      this.pending.delete(id);
      if (error) {
        p?.reject(new Error(`listener worker ${this.index}: ${error}`));
      } else {
        p?.resolve(result);
      }
    });
    this.child.on('exit', (code, signal) => {
      for (const p of this.pending.values()) {
        p.reject(new Error(`listener worker ${this.index} exited (${code ?? signal})`));
      }
      this.pending.clear();
    });
  }

  get pid() {
    return this.child.pid;
  }

  request(op, args, timeoutMs) {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new Error(`listener worker ${this.index}: ${op} took longer than ${timeoutMs} ms`));
      }, timeoutMs);
      const settle = (f) => (value) => {
        clearTimeout(timer);
        f(value);
      };
      this.pending.set(id, { resolve: settle(resolve), reject: settle(reject) });
      this.child.send({ id, op, args });
    });
  }

  kill() {
    if (this.child.exitCode === null && this.child.signalCode === null) {
      this.child.kill('SIGKILL');
    }
  }
}

/** `count` listener workers for the channel at `url`; listeners are named L1, L2, … in the order they are added. */
export function startPool({ count, url, channel, concurrency = 8, setupTimeoutMs = 20000 }) {
  const workers = Array.from({ length: count }, (_, i) => new Worker(i + 1));
  const killAll = () => workers.forEach((w) => w.kill());
  process.once('exit', killAll);
  let added = 0;
  let lateJoins = 0;
  const failures = [];
  const all = (op, args, timeoutMs) => Promise.all(workers.map((w) => w.request(op, args, timeoutMs)));

  return {
    pids: () => workers.map((w) => w.pid),

    /** Adds listeners until `total` were added (whether or not each came up); returns each new one's outcome. */
    async grow(total) {
      const byWorker = workers.map(() => []);
      for (; added < total; added++) {
        byWorker[added % workers.length].push(`L${added + 1}`);
      }
      const most = Math.max(...byWorker.map((n) => n.length));
      // Setups run `concurrency` at a time per worker, each bounded by setupTimeoutMs.
      const timeoutMs = 30000 + Math.ceil(most / concurrency) * setupTimeoutMs;
      const outcomes = (await Promise.all(workers.map((w, i) => w.request('add', { url, channel, names: byWorker[i], concurrency, timeoutMs: setupTimeoutMs }, timeoutMs)))).flat();
      failures.push(...outcomes.filter((x) => !x.ok));
      return outcomes;
    },

    /** Every listener that could not be set up so far. */
    failures: () => [...failures],

    /** One listener per worker set up and closed: a process's first setup pays for its certificate and cold code. */
    warmUp: () => Promise.all(workers.map((w) => w.request('warm', { url, channel, name: `Warm${w.index}`, timeoutMs: setupTimeoutMs }, setupTimeoutMs + 5000))),

    /** One listener that joins now, measured from its hub connection to its first packet, then leaves. */
    late(timeoutMs) {
      const worker = workers[lateJoins % workers.length];
      lateJoins++;
      return worker.request('late', { url, channel, name: `Late${lateJoins}`, timeoutMs }, timeoutMs + setupTimeoutMs + 5000);
    },

    async query(args) {
      return (await all('query', args, 60000)).flat();
    },

    reset: () => all('reset', {}, 30000),

    async stop() {
      await all('stop', {}, 30000).catch(() => {});
      killAll();
      process.off('exit', killAll);
    },
  };
}
