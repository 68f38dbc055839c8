// A real Janus (Debian's package) for browser tests, configured as the server tests' fixture configures it: the
// WebSocket API alone on a free loopback port, only the VideoRoom and Streaming plugins, each with an admin key.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { networkInterfaces, tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import { energyOver, freePort, inboundEnergy, press, release, SILENT, startServer, waitFor, waitHears } from './harness.mjs';

export const JANUS_ADMIN_KEY = 'browser-admin-key-5e81c0d2b7a4';

const disabledPlugins = [
  'audiobridge', 'duktape', 'echotest', 'lua', 'nosip', 'recordplay', 'sip', 'textroom', 'videocall', 'voicemail',
].map((p) => `libjanus_${p}.so`).join(',');
const disabledTransports = ['http', 'mqtt', 'nanomsg', 'pfunix', 'rabbitmq'].map((t) => `libjanus_${t}.so`).join(',');

/** Janus leaves loopback out of its ICE candidates, so it must gather on an address the browser can reach. */
function iceAddress() {
  for (const addresses of Object.values(networkInterfaces())) {
    for (const a of addresses ?? []) {
      if (a.family === 'IPv4' && !a.internal) {
        return a.address;
      }
    }
  }
  throw new Error('Janus needs a non-loopback IPv4 address to gather ICE candidates on, and this machine has none');
}

function answersPing(url) {
  return new Promise((resolve) => {
    const socket = new WebSocket(url, 'janus-protocol');
    const done = (ok) => {
      clearTimeout(timer);
      socket.terminate();
      resolve(ok);
    };
    const timer = setTimeout(() => done(false), 2000);
    socket.on('open', () => socket.send(JSON.stringify({ janus: 'ping', transaction: 'ready' })));
    socket.on('message', (data) => done(String(data).includes('"pong"')));
    socket.on('error', () => done(false));
  });
}

/** Starts Janus and waits until it answers a ping; `url` is its WebSocket API, `stop()` kills it and cleans up. */
export async function startJanus() {
  const dir = mkdtempSync(join(tmpdir(), 'walkie-janus-'));
  const port = await freePort();
  const log = join(dir, 'janus.log');
  writeFileSync(join(dir, 'janus.jcfg'), `general: {
  session_timeout = 60
  event_loops = 2
  hide_dependencies = true
}
nat: {
  ice_enforce_list = "${iceAddress()}"
  ignore_mdns = true
  full_trickle = false
}
plugins: { disable = "${disabledPlugins}" }
transports: { disable = "${disabledTransports}" }
loggers: { disable = "libjanus_jsonlog.so" }
events: { broadcast = false }
`);
  writeFileSync(join(dir, 'janus.transport.websockets.jcfg'), `general: {
  json = "compact"
  ws = true
  ws_port = ${port}
  ws_ip = "127.0.0.1"
  ws_acl = "127."
  wss = false
}
admin: { admin_ws = false, admin_wss = false }
`);
  writeFileSync(join(dir, 'janus.plugin.videoroom.jcfg'), `general: { admin_key = "${JANUS_ADMIN_KEY}", lock_rtp_forward = true }\n`);
  writeFileSync(join(dir, 'janus.plugin.streaming.jcfg'), `general: { admin_key = "${JANUS_ADMIN_KEY}" }\n`);

  let child = null;
  // A test run that ends abruptly must not leave Janus behind.
  const killOnExit = () => child?.kill('SIGKILL');
  process.once('exit', killOnExit);
  const tail = () => (existsSync(log) ? readFileSync(log, 'utf8').split('\n').slice(-30).join('\n') : '(no log)');
  const url = `ws://127.0.0.1:${port}`;
  /** Kills Janus at once, as a crash would: it forgets every session, room and mountpoint. */
  const kill = async () => {
    if (child && child.exitCode === null && child.signalCode === null) {
      const exited = once(child, 'exit');
      child.kill('SIGKILL');
      await exited;
    }
  };
  const launch = async () => {
    const started = spawn('janus', ['-F', dir, '-o', '-N', '-L', log], { stdio: 'ignore' });
    child = started;
    await waitFor(
      async () => {
        if (started.exitCode !== null) {
          throw new Error(`janus exited with ${started.exitCode}:\n${tail()}`);
        }
        return answersPing(url);
      },
      { timeout: 15000, interval: 100, message: 'Janus to answer a ping' },
    );
  };
  const stop = async () => {
    process.off('exit', killOnExit);
    await kill();
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await launch();
  } catch (error) {
    await stop();
    throw error;
  }
  /** `kill()` then `launch()` gives a restart on the same port, with the same configuration. */
  return { url, adminKey: JANUS_ADMIN_KEY, log: tail, stop, kill, launch };
}

/** Janus and a Walkie wired to it; channels of more than `meshLimit` members go through Janus. */
export async function startSfuServer({ meshLimit }) {
  const janus = await startJanus();
  const server = await startServer({
    settings: { 'Sfu:JanusUrl': janus.url, 'Sfu:AdminKey': janus.adminKey, 'Sfu:MeshLimit': meshLimit },
  });
  return { janus, server, stop: async () => {
    await server.stop();
    await janus.stop();
  } };
}

/** The talker presses, every listener sees it and hears it; after the release they see the channel clear and hear nothing. */
export async function talkHeardBy(talker, listeners) {
  const baselines = await Promise.all(listeners.map((l) => inboundEnergy(l.page)));
  await press(talker);
  await Promise.all(listeners.map((l) => l.page.getByText(`${talker.name} is talking`).waitFor({ timeout: 3000 })));
  await Promise.all(listeners.map((l, i) => waitHears(l, baselines[i], 5000)));
  await release(talker);
  await Promise.all(listeners.map((l) => l.page.getByText('Channel clear').waitFor({ timeout: 3000 })));
  // Through Janus the last packets of a talk can land a few hundred ms after "Channel clear" on a loaded machine, so
  // this waits for a silent window rather than asserting the first one; a forward that outlived the floor carries
  // the whole tone and never gives one.
  await Promise.all(listeners.map((l) => waitFor(async () => (await energyOver(l, 1500)) < SILENT, {
    timeout: 6000, message: `${l.name} to hear nothing once ${talker.name} let go`,
  })));
}
