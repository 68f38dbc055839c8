// One SFU listener without a browser: a SignalR hub connection that joins the channel, and a werift peer connection
// that receives the floor holder's audio from Janus and stamps every RTP packet with wall-clock time.
import * as signalR from '@microsoft/signalr';
import { RTCPeerConnection, RTCRtpCodecParameters } from 'werift';

/** Wall-clock ms, comparable with a page's performance.timeOrigin + performance.now() on the same machine. */
export const wallNow = () => performance.timeOrigin + performance.now();

const opus = () => new RTCRtpCodecParameters({ mimeType: 'audio/opus', clockRate: 48000, channels: 2 });

function withTimeout(promise, ms, what) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} took longer than ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

function hubConnection(url) {
  const connection = new signalR.HubConnectionBuilder()
    .withUrl(`${url}/hubs/channel`, { skipNegotiation: true, transport: signalR.HttpTransportType.WebSockets })
    .configureLogging(signalR.LogLevel.None)
    .build();
  // The server drops a client that has not pinged for 10 s; the default 15 s ping would be dropped (docs/PROTOCOL.md).
  connection.keepAliveIntervalInMilliseconds = 5000;
  return connection;
}

function peerConnection() {
  return new RTCPeerConnection({
    codecs: { audio: [opus()] },
    // werift would ask Google's STUN server by default; everything here must stay on this machine.
    iceServers: [],
    // Janus offers IPv4 host candidates only, so IPv6 sockets would be opened for nothing.
    iceUseIpv6: false,
  });
}

function gathered(pc) {
  if (pc.iceGatheringState === 'complete') {
    return Promise.resolve();
  }
  return new Promise((resolve) => {
    const { unSubscribe } = pc.iceGatheringStateChange.subscribe((state) => {
      if (state === 'complete') {
        unSubscribe();
        resolve();
      }
    });
  });
}

function connected(pc) {
  return new Promise((resolve, reject) => {
    const check = (state) => {
      if (state === 'connected') {
        resolve();
      } else if (state === 'failed' || state === 'closed') {
        reject(new Error(`peer connection ${state}`));
      }
    };
    pc.connectionStateChange.subscribe(check);
    check(pc.connectionState);
  });
}

/** Answers Janus's offer (all candidates in the SDP: Walkie relays none) and resolves when ICE and DTLS are up. */
async function listen(connection, pc) {
  const { offer } = await connection.invoke('SfuListen', {});
  await pc.setRemoteDescription(offer);
  await pc.setLocalDescription(await pc.createAnswer());
  await gathered(pc);
  await connection.invoke('SfuAnswer', { answer: { type: 'answer', sdp: pc.localDescription.sdp } });
  await connected(pc);
}

/**
 * Joins `channel` as `name` and listens. `times` holds the arrival time of every RTP packet; `startedAt` is just
 * before the hub connection opened, `connectedAt` when the peer connection came up. Fails after `timeoutMs`.
 */
export async function startListener({ url, channel, name, timeoutMs = 20000 }) {
  const listener = { name, times: [], startedAt: wallNow(), connectedAt: null, dropped: false, closing: false };
  const connection = hubConnection(url);
  const pc = peerConnection();
  listener.close = async () => {
    listener.closing = true;
    await pc.close().catch(() => {});
    await connection.stop().catch(() => {});
  };
  pc.onTrack.subscribe((track) => track.onReceiveRtp.subscribe(() => listener.times.push(wallNow())));
  // A hub connection the server closed means the listener left the channel: the report counts these.
  connection.onclose(() => { listener.dropped = !listener.closing; });
  try {
    await withTimeout((async () => {
      await connection.start();
      await connection.invoke('Join', { channel, name });
      await listen(connection, pc);
    })(), timeoutMs, `${name}'s join and listen`);
  } catch (error) {
    await listener.close();
    throw error;
  }
  listener.connectedAt = wallNow();
  return listener;
}
