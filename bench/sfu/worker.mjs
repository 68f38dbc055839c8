// A listener worker: a child process holding a share of the listeners, so receiving and decrypting RTP spreads over
// processes. It answers the coordinator's requests over IPC ({ id, op, args } → { id, result } or { id, error }).
import { startListener, wallNow } from './listener.mjs';
import { summarise } from './packets.mjs';

const listeners = [];

/** Runs `tasks` with at most `limit` in flight: hundreds of simultaneous DTLS handshakes would time each other out. */
async function pooled(tasks, limit) {
  const results = new Array(tasks.length);
  let next = 0;
  const lane = async () => {
    while (next < tasks.length) {
      const i = next++;
      results[i] = await tasks[i]();
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, tasks.length) }, lane));
  return results;
}

/** Adds listeners; a failure is reported per listener, so one bad setup does not hide the others. */
async function add({ url, channel, names, concurrency, timeoutMs }) {
  const tasks = names.map((name) => async () => {
    try {
      const l = await startListener({ url, channel, name, timeoutMs });
      listeners.push(l);
      return { name, ok: true, setupMs: l.connectedAt - l.startedAt };
    } catch (error) {
      return { name, ok: false, error: String(error.message ?? error) };
    }
  });
  return pooled(tasks, concurrency);
}

/** A listener that joins while someone talks: from opening its hub connection to its first RTP packet. */
async function late({ url, channel, name, timeoutMs }) {
  const deadline = wallNow() + timeoutMs;
  const l = await startListener({ url, channel, name, timeoutMs });
  try {
    while (l.times.length === 0 && wallNow() < deadline) {
      await new Promise((r) => setTimeout(r, 5));
    }
    return { setupMs: l.connectedAt - l.startedAt, joinToFirstMs: l.times.length ? l.times[0] - l.startedAt : null };
  } finally {
    await l.close();
  }
}

/** One listener set up and closed, so the first measured setup does not pay for the DTLS certificate and cold code. */
async function warm({ url, channel, name, timeoutMs }) {
  const l = await startListener({ url, channel, name, timeoutMs });
  await l.close();
  return l.connectedAt - l.startedAt;
}

function query(args) {
  return listeners.map((l) => ({ name: l.name, dropped: l.dropped, ...summarise(l.times, args) }));
}

/** Forgets packets already accounted for, so a long ramp does not hold every timestamp it ever saw. */
function reset() {
  for (const l of listeners) {
    l.times.length = 0;
  }
  return listeners.length;
}

async function stop() {
  await Promise.all(listeners.map((l) => l.close()));
  return listeners.length;
}

const ops = { add, late, warm, query, reset, stop };

process.on('message', async ({ id, op, args }) => {
  try {
    process.send({ id, result: await ops[op](args) });
  } catch (error) {
    process.send({ id, error: String(error.stack ?? error) });
  }
});
// Orphaned by a coordinator that died: nobody will read the results or stop the listeners.
process.on('disconnect', () => process.exit(0));
