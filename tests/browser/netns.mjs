// Test hosts in their own network namespace: a browser inside one reaches the server (and its peers) only through a
// veth pair, so a test can cut that host off silently, as when Wi-Fi drops, while everything else keeps running.
import { execFile, execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { promisify } from 'node:util';

const run = promisify(execFile);
const live = new Set();

async function ip(...args) {
  await run('ip', args);
}

async function ignoreFailure(promise) {
  try {
    await promise;
  } catch {
    // Removing what is not there.
  }
}

// Interface names have at most 15 characters; a hash of the namespace name keeps them unique and lets a rerun find
// the leftovers of a crashed one.
function vethNames(name) {
  const id = createHash('sha1').update(name).digest('hex').slice(0, 8);
  return { outside: `wkh-${id}`, inside: `wkn-${id}` };
}

async function freeIndex() {
  const { stdout } = await run('ip', ['-o', '-4', 'addr', 'show']);
  for (let n = 1; n < 255; n++) {
    if (!stdout.includes(` 10.231.${n}.1/`)) {
      return n;
    }
  }
  throw new Error('no free 10.231.N.0/30 subnet for a test host');
}

// Loopback inside the namespace stays open: only traffic over the veth is dropped.
const blackholeRules = [
  ['INPUT', '!', '-i', 'lo', '-j', 'DROP'],
  ['OUTPUT', '!', '-o', 'lo', '-j', 'DROP'],
];

function removeSync(name) {
  const { outside } = vethNames(name);
  for (const args of [['netns', 'del', name], ['link', 'del', outside]]) {
    try {
      execFileSync('ip', args, { stdio: 'ignore' });
    } catch {
      // Already gone.
    }
  }
}

let exitHooked = false;
function removeAllOnExit() {
  if (exitHooked) {
    return;
  }
  exitHooked = true;
  process.on('exit', () => [...live].forEach(removeSync));
  // An interrupted run must not leave namespaces behind; exiting also runs Playwright's exit hook, which kills the
  // browsers it launched.
  for (const [signal, code] of [['SIGINT', 130], ['SIGTERM', 143]]) {
    process.on(signal, () => process.exit(code));
  }
}

/**
 * Creates network namespace `name` joined to the root namespace by a veth pair on 10.231.N.0/30: the root side is
 * `hostAddress` (10.231.N.1), the namespace side `nsAddress` (10.231.N.2) with its default route via the root side.
 * Leftovers of the same name are removed first. IPv6 is off inside, so the IPv4 rules of blackhole() cut everything.
 */
export async function createTestHost(name, { index } = {}) {
  if (!/^[A-Za-z0-9_-]{1,32}$/.test(name)) {
    throw new Error(`bad namespace name: ${name}`);
  }
  if (process.getuid?.() !== 0) {
    throw new Error('test hosts in network namespaces need root');
  }
  removeAllOnExit();
  removeSync(name);
  const n = index ?? (await freeIndex());
  const hostAddress = `10.231.${n}.1`;
  const nsAddress = `10.231.${n}.2`;
  const { outside, inside } = vethNames(name);
  live.add(name);
  try {
    await ip('netns', 'add', name);
    await ip('link', 'add', outside, 'type', 'veth', 'peer', 'name', inside, 'netns', name);
    await ip('addr', 'add', `${hostAddress}/30`, 'dev', outside);
    await ip('link', 'set', outside, 'up');
    await run('ip', ['netns', 'exec', name, 'sysctl', '-qw', 'net.ipv6.conf.all.disable_ipv6=1', 'net.ipv6.conf.default.disable_ipv6=1']);
    await ip('-n', name, 'link', 'set', 'lo', 'up');
    await ip('-n', name, 'addr', 'add', `${nsAddress}/30`, 'dev', inside);
    await ip('-n', name, 'link', 'set', inside, 'up');
    await ip('-n', name, 'route', 'add', 'default', 'via', hostAddress);
  } catch (e) {
    removeSync(name);
    live.delete(name);
    throw e;
  }

  let blackholed = false;
  const iptables = (action, rule) => run('ip', ['netns', 'exec', name, 'iptables', '-w', action, ...rule]);
  return {
    name,
    hostAddress,
    nsAddress,
    /** Drops every packet into and out of the namespace, silently: no resets, no unreachables. */
    async blackhole() {
      if (!blackholed) {
        for (const rule of blackholeRules) {
          await iptables('-A', rule);
        }
        blackholed = true;
      }
    },
    async restore() {
      if (blackholed) {
        for (const rule of blackholeRules) {
          await ignoreFailure(iptables('-D', rule));
        }
        blackholed = false;
      }
    },
    /** Removes the namespace, its rules and the veth pair. Close browsers inside it first. */
    async destroy() {
      removeSync(name);
      live.delete(name);
    },
  };
}
