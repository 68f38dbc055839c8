// The driver's two kinds of client pair: Walkie's SignalR hub and the seed's Socket.io server. In each pair,
// member A starts and stops talking and member B receives it.
import { createRequire } from 'node:module';
import { performance } from 'node:perf_hooks';
import signalR from '@microsoft/signalr';
import { io } from 'socket.io-client';

const DELIVERY_TIMEOUT_MS = 5000;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// WebSocket frames and protocol messages each way, as the driver sees them: what it sends is what the server
// receives, and vice versa. SignalR may put several messages in one frame; each ends with 0x1e.
export const traffic = { framesIn: 0, framesOut: 0, messagesIn: 0, messagesOut: 0 }; // in = to the server

const separators = (data) => {
  const text = typeof data === 'string' ? data : Buffer.from(data).toString('latin1');
  let n = 0;
  for (let i = text.indexOf('\x1e'); i >= 0; i = text.indexOf('\x1e', i + 1)) n++;
  return n;
};

/** The `ws` class @microsoft/signalr would load itself, counting what passes. */
const SignalRWebSocket = createRequire(createRequire(import.meta.url).resolve('@microsoft/signalr'))('ws');
class CountingWebSocket extends SignalRWebSocket {
  constructor(...args) {
    super(...args);
    this.on('message', (data) => {
      traffic.framesOut++;
      traffic.messagesOut += separators(data);
    });
  }

  send(data, ...rest) {
    traffic.framesIn++;
    traffic.messagesIn += separators(data);
    return super.send(data, ...rest);
  }
}

/**
 * What both pairs share: `delivered(kind)` resolves with performance.now() when member B has received that change
 * ('start' or 'stop'). Call it before making the change.
 */
function makePair() {
  const waiting = { start: [], stop: [] };
  return {
    arrive(kind) {
      const now = performance.now();
      waiting[kind].shift()?.(now);
    },
    delivered(kind) {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no ${kind} delivered within ${DELIVERY_TIMEOUT_MS} ms`)), DELIVERY_TIMEOUT_MS);
        waiting[kind].push((t) => {
          clearTimeout(timer);
          resolve(t);
        });
      });
    },
  };
}

async function walkieClient(url) {
  const connection = new signalR.HubConnectionBuilder()
    .withUrl(new URL('/hubs/channel', url).href, {
      transport: signalR.HttpTransportType.WebSockets,
      skipNegotiation: true,
      WebSocket: CountingWebSocket,
    })
    .configureLogging(signalR.LogLevel.Error)
    .build();
  // docs/PROTOCOL.md: clients must ping every 5 s, and should give up on a server after about 10 s.
  connection.keepAliveIntervalInMilliseconds = 5000;
  connection.serverTimeoutInMilliseconds = 10000;
  for (const event of ['ParticipantJoined', 'ParticipantLeft', 'ParticipantAway', 'FloorChanged', 'FloorGranted', 'FloorRevoked', 'ServerClosing']) {
    connection.on(event, () => {});
  }
  await connection.start();
  return connection;
}

/** A talk-state change is one RequestFloor or ReleaseFloor; B sees it as FloorChanged. */
export async function walkiePair(url, index) {
  const [a, b] = await Promise.all([walkieClient(url), walkieClient(url)]);
  const channel = `seed-${index}`;
  await a.invoke('Join', { channel, name: 'A' });
  await b.invoke('Join', { channel, name: 'B' });
  const pair = makePair();
  b.on('FloorChanged', (e) => pair.arrive(e.holder ? 'start' : 'stop'));
  pair.change = (kind) => a.invoke(kind === 'start' ? 'RequestFloor' : 'ReleaseFloor', {});
  pair.close = () => Promise.all([a.stop(), b.stop()]);
  return pair;
}

async function seedClient(url) {
  const socket = io(url, { transports: ['websocket'], forceNew: true, reconnection: false, timeout: 5000 });
  await new Promise((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('connect_error', reject);
  });
  // In the WebSocket transport each engine.io packet is one frame and one message.
  socket.io.engine.on('packet', () => {
    traffic.framesOut++;
    traffic.messagesOut++;
  });
  socket.io.engine.on('packetCreate', () => {
    traffic.framesIn++;
    traffic.messagesIn++;
  });
  return socket;
}

/** A talk-state change is one start-talking or stop-talking, relayed to B. Nothing answers A. */
export async function seedPair(url, index) {
  const [a, b] = await Promise.all([seedClient(url), seedClient(url)]);
  const peers = Promise.all([a, b].map((s) => new Promise((resolve) => s.once('other-user', resolve))));
  a.emit('join-room', `seed-${index}`);
  b.emit('join-room', `seed-${index}`);
  const timeout = sleep(5000).then(() => { throw new Error('no other-user within 5 s'); });
  const [peerOfA] = await Promise.race([peers, timeout]);
  const pair = makePair();
  b.on('start-talking', () => pair.arrive('start'));
  b.on('stop-talking', () => pair.arrive('stop'));
  pair.change = (kind) => { a.emit(kind === 'start' ? 'start-talking' : 'stop-talking', { target: peerOfA }); };
  pair.close = async () => {
    a.disconnect();
    b.disconnect();
  };
  return pair;
}
