// Shared helpers for Walkie's browser tests: a real server process, real headless Chromium, real WebRTC audio.
// Firefox is in firefox.mjs, test hosts in their own network namespace in netns.mjs.
import { execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { connect, createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as signalR from '@microsoft/signalr';
import { chromium } from 'playwright-core';

const here = dirname(fileURLToPath(import.meta.url));
export const repo = join(here, '..', '..');
export const artifacts = join(repo, 'test-artifacts');
const serverDll = join(repo, 'src', 'Walkie.Server', 'bin', 'Debug', 'net10.0', 'Walkie.Server.dll');

export async function freePort() {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address();
  server.close();
  await once(server, 'close');
  return port;
}

/** Polls a condition until it holds; fails with the message after the timeout. */
export async function waitFor(condition, { timeout = 5000, interval = 50, message = 'condition' } = {}) {
  const deadline = Date.now() + timeout;
  let last;
  while (Date.now() < deadline) {
    last = await condition();
    if (last) {
      return last;
    }
    await new Promise((r) => setTimeout(r, interval));
  }
  throw new Error(`timed out after ${timeout} ms waiting for ${message} (last value: ${JSON.stringify(last)})`);
}

/** Spawns a process and keeps everything it prints, for the error message when it dies. */
function spawnCaptured(command, args, options = {}) {
  const child = spawn(command, args, { ...options, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (d) => (output += d));
  child.stderr.on('data', (d) => (output += d));
  return { child, output: () => output };
}

async function stopProcess(child, signal = 'SIGTERM') {
  // A child killed by a signal keeps exitCode null; waiting for its exit again would wait forever.
  if (child.exitCode === null && child.signalCode === null) {
    child.kill(signal);
    await once(child, 'exit');
  }
}

/**
 * Starts the built Walkie.Server and waits until /healthz answers. It listens on one port at every address in `bind`
 * (loopback by default; add a test host's `hostAddress` so a browser in that namespace can reach it). `url` is the
 * first address's, `urls` all of them. `args` go on the command line as they are (e.g. `--lan`); `env` adds to the
 * environment.
 */
export async function startServer({ port, settings = {}, bind = ['127.0.0.1'], args: extra = [], env = {} } = {}) {
  port ??= await freePort();
  const urls = bind.map((address) => `http://${address}:${port}`);
  const args = [serverDll, '--urls', urls.join(';'), '--contentRoot', join(repo, 'src', 'Walkie.Server'), ...extra];
  for (const [key, value] of Object.entries(settings)) {
    args.push(`--Walkie:${key}=${value}`);
  }
  const { child, output } = spawnCaptured('dotnet', args, { env: { ...process.env, ASPNETCORE_ENVIRONMENT: 'Testing', ...env } });
  const url = urls[0];
  await waitFor(
    async () => {
      if (child.exitCode !== null) {
        throw new Error(`server exited: ${output()}`);
      }
      try {
        return (await fetch(`${url}/healthz`)).ok;
      } catch {
        return false;
      }
    },
    { timeout: 20000, message: 'the server to answer /healthz' },
  );
  return {
    url,
    urls,
    port,
    output,
    /** SIGTERM is a graceful stop; SIGKILL a crash. */
    stop: (signal) => stopProcess(child, signal),
  };
}

/** The participant id this page joined as, from its own entry in the participant list. */
export function selfId(user) {
  return user.page.locator('#participants li', { hasText: '(you)' }).getAttribute('data-id');
}

/**
 * Starts Debian's coturn on 127.0.0.1 in use-auth-secret mode with the given secret, and waits for its TCP listener.
 */
export async function startCoturn({ secret, port }) {
  port ??= await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'walkie-coturn-'));
  const config = join(dir, 'turnserver.conf');
  writeFileSync(config, [
    'listening-ip=127.0.0.1',
    'relay-ip=127.0.0.1',
    `listening-port=${port}`,
    'min-port=49152',
    'max-port=49352',
    'use-auth-secret',
    `static-auth-secret=${secret}`,
    'realm=walkie.test',
    'fingerprint',
    'no-tls',
    'no-dtls',
    'no-cli',
    'no-multicast-peers',
    // Test only: coturn refuses loopback peers by default, and here both browsers are on loopback.
    // The production sample (deploy/coturn/turnserver.conf) denies loopback and private ranges.
    'allow-loopback-peers',
    `userdb=${join(dir, 'turndb')}`,
    `pidfile=${join(dir, 'turnserver.pid')}`,
    'log-file=stdout',
    'simple-log',
  ].join('\n'));
  const { child, output } = spawnCaptured('turnserver', ['-c', config]);
  await waitFor(
    () => {
      if (child.exitCode !== null) {
        throw new Error(`coturn exited: ${output()}`);
      }
      return new Promise((resolve) => {
        const socket = connect(port, '127.0.0.1', () => {
          socket.end();
          resolve(true);
        });
        socket.on('error', () => resolve(false));
      });
    },
    { timeout: 10000, message: 'coturn to listen' },
  );
  return {
    url: `turn:127.0.0.1:${port}`,
    port,
    output,
    stop: () => stopProcess(child),
  };
}

/** Resolves true once something accepts TCP connections on 127.0.0.1:port, false if nothing does yet. */
function accepts(port) {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1', () => {
      socket.end();
      resolve(true);
    });
    socket.on('error', () => resolve(false));
  });
}

/**
 * Starts Debian's nginx with the shipped production sample, deploy/nginx/walkie.conf, on 127.0.0.1 only: its ports,
 * certificate and Walkie's address substituted, everything else as shipped. It runs in the foreground with a
 * throwaway self-signed certificate for 127.0.0.1, and keeps its logs, pid and temp files in its own temp dir.
 */
export async function startNginx({ upstreamPort, upstreamPorts = [upstreamPort] }) {
  const httpsPort = await freePort();
  const httpPort = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'walkie-nginx-'));
  // nginx's workers drop root to an unprivileged user, and must still reach the temp dirs it creates in here for them.
  chmodSync(dir, 0o711);
  const cert = join(dir, 'cert.pem');
  const key = join(dir, 'key.pem');
  execFileSync('openssl', [
    'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1',
    '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', key, '-out', cert,
  ], { stdio: 'ignore' });
  chmodSync(key, 0o600);

  // Each substitution must hit exactly as often as expected, so a changed sample fails here instead of being half-tested.
  let site = readFileSync(join(repo, 'deploy', 'nginx', 'walkie.conf'), 'utf8');
  const substitute = (from, to, times) => {
    const found = site.split(from).length - 1;
    if (found !== times) {
      throw new Error(`deploy/nginx/walkie.conf has ${found} × "${from}", the test expects ${times}`);
    }
    site = site.replaceAll(from, to);
  };
  substitute('listen 80;', `listen 127.0.0.1:${httpPort};`, 1);
  substitute('listen 443 ssl;', `listen 127.0.0.1:${httpsPort} ssl;`, 1);
  substitute('listen [::]:80;', '', 1);
  substitute('listen [::]:443 ssl;', '', 1);
  substitute('/etc/letsencrypt/live/CHANGE-ME.example.org/fullchain.pem', cert, 1);
  substitute('/etc/letsencrypt/live/CHANGE-ME.example.org/privkey.pem', key, 1);
  substitute('CHANGE-ME.example.org', '127.0.0.1', 2);
  // Several ports are the nodes of one cluster, as README's "Running several nodes" lists them.
  const servers = upstreamPorts.map((p) => `server 127.0.0.1:${p}${upstreamPorts.length > 1 ? ' max_fails=1 fail_timeout=2s' : ''};`);
  substitute('server 127.0.0.1:5000;', servers.join('\n    '), 1);
  writeFileSync(join(dir, 'walkie.conf'), site);

  // What Debian's /etc/nginx/nginx.conf would provide around the site, with every path in the temp dir.
  const config = join(dir, 'nginx.conf');
  writeFileSync(config, [
    'worker_processes 1;',
    'events { worker_connections 256; }',
    'http {',
    `  access_log ${join(dir, 'access.log')};`,
    ...['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map((t) => `  ${t}_temp_path ${join(dir, t)};`),
    `  include ${join(dir, 'walkie.conf')};`,
    '}',
  ].join('\n'));
  const errorLog = join(dir, 'error.log');
  const { child, output } = spawnCaptured('/usr/sbin/nginx', [
    '-p', dir, '-c', config, '-e', errorLog, '-g', `daemon off; pid ${join(dir, 'nginx.pid')};`,
  ]);
  const log = (name) => {
    try {
      return readFileSync(join(dir, name), 'utf8');
    } catch {
      return '';
    }
  };
  await waitFor(
    async () => {
      if (child.exitCode !== null) {
        throw new Error(`nginx exited: ${output()}${log('error.log')}`);
      }
      return (await accepts(httpsPort)) && (await accepts(httpPort));
    },
    { timeout: 10000, message: 'nginx to listen' },
  );
  return {
    url: `https://127.0.0.1:${httpsPort}`,
    httpUrl: `http://127.0.0.1:${httpPort}`,
    httpsPort,
    /** nginx writes a request's line when it ends; a WebSocket's when it closes. */
    accessLog: () => log('access.log'),
    errorLog: () => log('error.log'),
    stop: async () => {
      await stopProcess(child);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * A voice-like test signal: a pitch gliding between 200 and 600 Hz in 3 "syllables" a second. A steady tone would be
 * removed by the microphone's noise suppression; this survives it, so "hears" and "silence" differ clearly.
 */
function toneWav() {
  const path = join(artifacts, 'voice-like.wav');
  const rate = 48000;
  const seconds = 10;
  const samples = rate * seconds;
  const buffer = Buffer.alloc(44 + samples * 2);
  buffer.write('RIFF', 0);
  buffer.writeUInt32LE(36 + samples * 2, 4);
  buffer.write('WAVEfmt ', 8);
  buffer.writeUInt32LE(16, 16);
  buffer.writeUInt16LE(1, 20);
  buffer.writeUInt16LE(1, 22);
  buffer.writeUInt32LE(rate, 24);
  buffer.writeUInt32LE(rate * 2, 28);
  buffer.writeUInt16LE(2, 32);
  buffer.writeUInt16LE(16, 34);
  buffer.write('data', 36);
  buffer.writeUInt32LE(samples * 2, 40);
  let phase = 0;
  for (let i = 0; i < samples; i++) {
    const t = i / rate;
    const pitch = 400 + 200 * Math.sin(2 * Math.PI * 0.7 * t);
    phase += (2 * Math.PI * pitch) / rate;
    const envelope = Math.abs(Math.sin(Math.PI * 3 * t));
    const sample = envelope * (0.6 * Math.sin(phase) + 0.25 * Math.sin(2 * phase) + 0.15 * Math.sin(3 * phase));
    buffer.writeInt16LE(Math.round(sample * 0.5 * 32767), 44 + i * 2);
  }
  mkdirSync(artifacts, { recursive: true });
  writeFileSync(path, buffer);
  return path;
}

/**
 * Launches headless Chromium with a fake microphone. With `netns` (a test host from netns.mjs) it runs inside that
 * namespace. Pages there load the server over plain http on a non-loopback address, which is no secure context, so
 * getUserMedia would be missing: list such origins in `secureOrigins`.
 */
export async function launchBrowser({ microphone = true, netns, secureOrigins = [], extraArgs = [] } = {}) {
  const args = [
    '--use-fake-device-for-media-stream',
    `--use-file-for-fake-audio-capture=${toneWav()}`,
    '--allow-loopback-in-peer-connection',
    '--autoplay-policy=no-user-gesture-required',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--no-first-run',
    '--disable-gpu',
  ];
  if (microphone) {
    args.push('--use-fake-ui-for-media-stream');
  }
  args.push(...extraArgs);
  if (secureOrigins.length > 0) {
    args.push(`--unsafely-treat-insecure-origin-as-secure=${secureOrigins.join(',')}`);
  }
  const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
  if (!netns) {
    return chromium.launch({ executablePath: chromiumPath, args });
  }
  // Playwright talks to Chromium over a pipe, so the browser can live in another network namespace as long as the
  // executable it starts enters that namespace first; `ip netns exec` then execs Chromium in the same process.
  const dir = mkdtempSync(join(tmpdir(), 'walkie-netns-'));
  const remove = () => rmSync(dir, { recursive: true, force: true });
  process.once('exit', remove);
  const wrapper = join(dir, 'chromium');
  writeFileSync(wrapper, `#!/bin/sh\nexec ip netns exec '${netns.name}' '${chromiumPath}' "$@"\n`, { mode: 0o755 });
  const browser = await chromium.launch({ executablePath: wrapper, args });
  browser.on('disconnected', remove);
  return browser;
}

// Keeps every RTCPeerConnection a page makes, so tests can read inbound audio stats without changing the app.
export const collectPeerConnections = () => {
  const Original = window.RTCPeerConnection;
  window.__pcs = [];
  window.RTCPeerConnection = class extends Original {
    constructor(...args) {
      super(...args);
      window.__pcs.push(this);
    }
  };
};

// Records Content-Security-Policy violations, so tests can check the built client runs under the server's policy.
export const collectCspViolations = () => {
  window.__csp = [];
  document.addEventListener('securitypolicyviolation', (e) => window.__csp.push(`${e.violatedDirective} ${e.blockedURI}`));
};

export function cspViolations(user) {
  return user.page.evaluate(() => window.__csp);
}

/** One person: their own browser context, the app at /c/{channel}, joined through the UI. */
/** `init` is an extra init script, e.g. one that makes this page a modified, misbehaving client. */
export async function openUser(browser, base, { channel = 'test', name, microphone = true, viewport, init } = {}) {
  const context = await browser.newContext({ permissions: microphone ? ['microphone'] : [], viewport: viewport ?? { width: 1280, height: 800 } });
  const page = await context.newPage();
  page.on('pageerror', (e) => console.error(`[${name}] page error`, e));
  await page.addInitScript(collectPeerConnections);
  await page.addInitScript(collectCspViolations);
  if (init) {
    await page.addInitScript(init);
  }
  await page.goto(`${base}/c/${channel}`);
  const user = { name, page, context, ptt: page.locator('#ptt') };
  if (name) {
    await page.getByLabel('Your name').fill(name);
    await page.getByRole('button', { name: 'Join' }).click();
    await page.getByRole('status').filter({ hasText: 'Connected' }).waitFor({ timeout: 10000 });
  }
  return user;
}

/** Sum of inbound audio energy per open peer connection, keyed by connection index. */
export function inboundEnergy(page) {
  return page.evaluate(async () => {
    const result = {};
    for (const [i, pc] of window.__pcs.entries()) {
      if (pc.connectionState === 'closed') {
        continue;
      }
      const stats = await pc.getStats();
      stats.forEach((r) => {
        if (r.type === 'inbound-rtp' && r.kind === 'audio') {
          result[i] = (result[i] ?? 0) + (r.totalAudioEnergy ?? 0);
        }
      });
    }
    return result;
  });
}

/**
 * Inbound audio over all open peer connections of a page: energy (Chromium and Firefox both report it), packets,
 * and the highest current audio level. Works for Playwright and Puppeteer pages alike.
 */
export function inboundAudio(page) {
  return page.evaluate(async () => {
    const result = { energy: 0, packets: 0, level: 0 };
    for (const pc of window.__pcs) {
      if (pc.connectionState === 'closed') {
        continue;
      }
      (await pc.getStats()).forEach((r) => {
        if (r.type === 'inbound-rtp' && r.kind === 'audio') {
          result.energy += r.totalAudioEnergy ?? 0;
          result.packets += r.packetsReceived ?? 0;
          result.level = Math.max(result.level, r.audioLevel ?? 0);
        }
      });
    }
    return result;
  });
}

/** Local and remote candidate (address, type) of each connected peer connection's selected pair. */
export function selectedCandidates(page) {
  return page.evaluate(async () => {
    const pairs = [];
    for (const pc of window.__pcs.filter((p) => p.connectionState === 'connected')) {
      const stats = [...(await pc.getStats()).values()];
      const transport = stats.find((s) => s.type === 'transport' && s.selectedCandidatePairId);
      // Chromium names the pair on the transport; Firefox marks it `selected`.
      const pair = stats.find((s) => s.id === transport?.selectedCandidatePairId) ?? stats.find((s) => s.type === 'candidate-pair' && s.selected);
      const candidate = (id) => {
        const c = stats.find((s) => s.id === id);
        return { address: c?.address, type: c?.candidateType };
      };
      pairs.push({ local: candidate(pair?.localCandidateId), remote: candidate(pair?.remoteCandidateId) });
    }
    return pairs;
  });
}

/** Energy received since a baseline, counting only connections open in both readings. */
export function energySince(baseline, now) {
  let total = 0;
  for (const [i, e] of Object.entries(now)) {
    total += e - (baseline[i] ?? 0);
  }
  return total;
}

// A continuous tone at 0.3 amplitude gives about 0.045 energy per second; silence gives 0.
export const HEARD = 0.003;
export const SILENT = 0.0005;

/** Waits until this user has received audible energy since the baseline. */
export async function waitHears(user, baseline, timeout = 3000) {
  return waitFor(async () => energySince(baseline, await inboundEnergy(user.page)) > HEARD, { timeout, message: `${user.name} to hear audio` });
}

/** Watches for a while and returns how much energy arrived: callers assert it stays under SILENT. */
export async function energyOver(user, ms) {
  const baseline = await inboundEnergy(user.page);
  await new Promise((r) => setTimeout(r, ms));
  return energySince(baseline, await inboundEnergy(user.page));
}

/** Watches for a while and returns how many inbound audio packets and how much energy arrived meanwhile. */
export async function audioOver(page, ms) {
  const start = await inboundAudio(page);
  await new Promise((r) => setTimeout(r, ms));
  const end = await inboundAudio(page);
  return { packets: end.packets - start.packets, energy: end.energy - start.energy };
}

/** Waits until every peer connection of the page is connected, so audio can flow at once. */
export async function waitConnected(user, peers) {
  await waitFor(
    () => user.page.evaluate((n) => window.__pcs.filter((pc) => pc.connectionState === 'connected').length >= n, peers),
    { timeout: 10000, message: `${user.name} to connect to ${peers} peer(s)` },
  );
}

/** The talker holds Push to talk, the listener sees them talking and hears them, then the talker lets go. */
export async function talkAndBeHeard(talker, listener) {
  await waitConnected(listener, 1);
  const baseline = await inboundEnergy(listener.page);
  await press(talker);
  await listener.page.getByText(`${talker.name} is talking`).waitFor({ timeout: 2000 });
  await waitHears(listener, baseline);
  await release(talker);
  await listener.page.getByText('Channel clear').waitFor({ timeout: 2000 });
}

export async function press(user) {
  const box = await user.ptt.boundingBox();
  await user.page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  await user.page.mouse.down();
}

export async function release(user) {
  await user.page.mouse.up();
}

export async function screenshot(page, name) {
  mkdirSync(artifacts, { recursive: true });
  await page.screenshot({ path: join(artifacts, `${name}.png`) });
}

/**
 * A channel member without a browser: a real SignalR client on the hub. It fills a channel cheaply (no peer
 * connections), and can take the floor so pages show it talking.
 */
export async function joinHeadless(base, { channel, name, passcode }) {
  const connection = new signalR.HubConnectionBuilder()
    .withUrl(`${base}/hubs/channel`, { skipNegotiation: true, transport: signalR.HttpTransportType.WebSockets })
    .configureLogging(signalR.LogLevel.None)
    .build();
  await connection.start();
  const snapshot = await connection.invoke('Join', { channel, name, ...(passcode ? { passcode } : {}) });
  return {
    snapshot,
    requestFloor: () => connection.invoke('RequestFloor', {}),
    releaseFloor: () => connection.invoke('ReleaseFloor', {}),
    stop: () => connection.stop(),
  };
}

const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/**
 * Runs axe-core in the page and returns its violations as short lines. It is evaluated through the debugging
 * protocol, which the page's Content-Security-Policy does not govern.
 */
export async function axeViolations(page) {
  await page.evaluate(axeSource);
  const violations = await page.evaluate(async () => (await window.axe.run(document)).violations);
  return violations.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`);
}
