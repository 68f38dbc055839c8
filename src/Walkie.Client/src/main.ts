import './styles.css';
import { LevelMeter, openMicrophone, Sounds } from './audio/sounds';
import { ptt, type PttEffect, type PttEvent } from './floor/ptt';
import { isReachable, ReachabilityGate } from './pwa/reachability';
import { registerServiceWorker } from './pwa/registerServiceWorker';
import type { MediaSession } from './rtc/mediaSession';
import { PeerMesh } from './rtc/peerMesh';
import { PlaybackGate } from './rtc/playbackGate';
import { ChannelConnection } from './signaling/channelConnection';
import { errorSentence, joinErrorField } from './signaling/errors';
import { HubError, validateJoin, type JoinRequest, type JoinResult, type ServerEvents } from './signaling/protocol';
import { bindMediaSession, ScreenWake, titleFor, vibrate } from './device/background';
import { channelAddress, newPrivateChannel, parseFragment, shareLink } from './share/privateLink';
import { qrSvg } from './share/qr';
import { initialState, Store, type AppState, type TalkMode } from './store';
import { bindNewPrivateChannel, newPrivateChannelParts } from './ui/newPrivateChannel';
import { renamedNotice, TransientNotice } from './ui/notices';
import { OfflineView } from './ui/offlineView';
import { bindPushToTalk } from './ui/pushToTalkInput';
import { routeFrom } from './ui/route';
import { SharePanel, sharePanelParts } from './ui/sharePanel';
import { View } from './ui/view';

// main.ts is the only module that knows every other one: signaling and rtc meet here, through callbacks.

const savedMode = (): TalkMode => (localStorage.getItem('walkie.talkMode') === 'latch' ? 'latch' : 'hold');
const store = new Store({ ...initialState, tones: localStorage.getItem('walkie.tones') !== 'off', talkMode: savedMode(), secure: window.isSecureContext });
const notice = new TransientNotice((text) => store.update({ notice: text }));
const screenWake = new ScreenWake();
let audioContext: AudioContext | null = null;
const sounds = new Sounds(() => (store.state.tones ? audioContext : null));
const meter = new LevelMeter(() => audioContext);
const remoteStreams = new Map<string, MediaStream>();
const volumes = new Map<string, number>();
const remoteAudio = document.getElementById('remote-audio')!;
const remoteElement = (peerId: string) => remoteAudio.querySelector<HTMLAudioElement>(`audio[data-peer="${peerId}"]`);
// Only the floor holder is played: anyone else's audio stays muted here, whatever their client sends.
const playback = new PlaybackGate((peerId, audible) => {
  const audio = remoteElement(peerId);
  if (audio) {
    audio.muted = !audible;
  }
});

let connection: ChannelConnection | null = null;
let mesh: MediaSession | null = null;
let microphone: MediaStream | null = null;
let transmitLimitMs = 0;
// Answers and events can be handled out of order (an answer resolves in a microtask after events read in the same
// batch), so each floor carries the channel's change count and an older one is dropped.
let floorSeq = -1;

const view = new View({
  join: (channel, name, passcode) => void join(channel, name, { passcode }),
  leave: () => void leave(),
  enableMic: () => void enableMicrophone(),
  setVolume: (participantId, volume) => {
    volumes.set(participantId, volume);
    const audio = remoteElement(participantId);
    if (audio) {
      audio.volume = volume;
    }
  },
  setTones: (on) => {
    localStorage.setItem('walkie.tones', on ? 'on' : 'off');
    store.update({ tones: on });
  },
  setTalkMode: (mode) => {
    localStorage.setItem('walkie.talkMode', mode);
    store.update({ talkMode: mode });
  },
});
store.subscribe(view.render);
store.subscribe((s) => {
  document.title = titleFor(s);
  screenWake.want(s.view === 'channel');
});
const sharePanel = new SharePanel(sharePanelParts(document), {
  drawQr: (link) => qrSvg(document, link, 'QR code of the link'),
  copy: (text) => navigator.clipboard.writeText(text),
});
store.subscribe((s) => sharePanel.render(s.view === 'channel' ? { link: shareLink(location.origin, s.channel, passcodeOf(s)), private: s.private } : null));
bindNewPrivateChannel(newPrivateChannelParts(document), () => newPrivateChannel(), () => store.update({ errors: {} }));
// User Timing marks let benchmarks time press-to-grant from inside the page (docs/BENCHMARKS.md).
const tap = () => {
  performance.mark('walkie:press');
  dispatch({ type: 'toggle' });
};
bindPushToTalk(view.ptt, {
  press: () => {
    performance.mark('walkie:press');
    dispatch({ type: 'press' });
  },
  release: () => dispatch({ type: 'release' }),
  toggle: tap,
  mode: () => store.state.talkMode,
});
bindMediaSession(tap, () => store.state.talkMode === 'latch' && store.state.view === 'channel');

// A tab keeps its seat across reloads: sessionStorage lives as long as the tab, and the resume token in it brings
// the same participant back while the server still holds the seat.
const sessionKey = 'walkie.session';
const saved = readSession();
registerServiceWorker();

// The form is filled at once, before anyone can type into it or press Join.
const route = routeFrom(location.pathname, location.hash);
view.prefill(route.channel || (saved?.channel ?? ''), localStorage.getItem('walkie.name') ?? '', route.passcode);

// An installed app starts from its cached shell even when the server is down: it says so on its own screen, and the
// resumed session below waits until the server answers. Everything after this await waits with it.
const reachability = new ReachabilityGate(
  () => isReachable((url, init) => fetch(url, init), '/healthz', 5000),
  (offline) => store.update(offline ? { view: 'offline', offline } : { view: 'landing' }),
);
store.subscribe(new OfflineView(reachability.retry).render);
await reachability.ready;
if (document.activeElement === document.body) {
  view.focusForm();
}
if (saved && (route.channel === '' || route.channel.toLowerCase() === saved.channel)) {
  void join(saved.channel, saved.name, saved);
}
// A private link pasted into the address bar of an open landing page changes only the fragment: no reload.
window.addEventListener('hashchange', () => {
  const linked = parseFragment(location.hash);
  if (linked && store.state.view === 'landing') {
    view.prefill(linked.channel, localStorage.getItem('walkie.name') ?? '', linked.passcode);
  }
});

/** A private channel's passcode for its link, or null for an open channel, whose link is its name. */
function passcodeOf(s: AppState): string | null {
  return s.private ? s.passcode : null;
}

function readSession(): JoinRequest | null {
  try {
    const value = JSON.parse(sessionStorage.getItem(sessionKey) ?? 'null') as JoinRequest | null;
    return value && typeof value.channel === 'string' && typeof value.name === 'string' ? value : null;
  } catch {
    return null;
  }
}

async function join(channel: string, name: string, extra: { passcode?: string; resume?: string } = {}): Promise<void> {
  performance.mark('walkie:join');
  const errors = validateJoin(channel, name);
  store.update({ errors });
  if (errors.channel || errors.name || store.state.joining) {
    return;
  }
  store.update({ joining: true });
  // iOS Safari grants the microphone and unlocks audio only inside a user gesture: this click.
  audioContext ??= new AudioContext();
  const micRequest = openMicrophone();
  void audioContext.resume();
  setMicrophone(await micRequest);
  localStorage.setItem('walkie.name', name.trim());

  connection = new ChannelConnection('/hubs/channel', {
    onEvent: handleEvent,
    onState: (state) => {
      store.update({ connection: state });
      if (state !== 'connected') {
        // Nobody can be heard or granted while we are cut off: show nothing stale.
        dispatch({ type: 'disconnected' });
        store.update({ floor: { holder: null, queue: [] } });
        floorSeq = -1;
        playback.floor(null);
        mesh?.floor(null);
      }
    },
    onRejoined: (snapshot) => enterChannel(snapshot),
    onSession: (request) => sessionStorage.setItem(sessionKey, JSON.stringify(request)),
    onRejoinRefused: (error) => notice.say(errorSentence(error), 10_000),
  });
  try {
    await connection.start();
    const joined = await connection.join({
      channel,
      name: name.trim(),
      ...(extra.passcode ? { passcode: extra.passcode } : {}),
      ...(extra.resume ? { resume: extra.resume } : {}),
    });
    store.update({ passcode: extra.passcode ?? '' });
    enterChannel(joined);
    const renamed = joined.resumed ? null : renamedNotice(name, joined.self.name);
    if (renamed) {
      notice.say(renamed, 10_000);
    }
    // A private channel's name and passcode stay in the fragment: never in a path the server, a proxy or a log sees.
    history.replaceState(null, '', channelAddress(store.state.channel, passcodeOf(store.state)));
  } catch (error) {
    const refusal = HubError.from(error);
    const field = joinErrorField(refusal);
    store.update({ errors: { [field]: errorSentence(refusal) } });
    if (field === 'passcode') {
      view.focusPasscode();
    }
    connection.close();
    connection = null;
  } finally {
    store.update({ joining: false });
  }
}

function enterChannel(snapshot: JoinResult): void {
  mesh?.closeAll();
  transmitLimitMs = snapshot.limits.transmitLimitMs;
  const signaling = connection!;
  mesh = new PeerMesh(
    { selfId: snapshot.self.id, iceServers: snapshot.iceServers, iceTransportPolicy: snapshot.iceTransportPolicy },
    {
      refreshIceServers: () => signaling.refreshIceServers(),
      send: (to, signal) => void signaling.signal(to, signal).catch((e: unknown) => console.warn('signal failed', e)),
      onRemoteStream: attachRemote,
      onPeerGone: detachRemote,
    },
  );
  mesh.setTrack(microphone?.getAudioTracks()[0] ?? null);
  floorSeq = snapshot.floor.seq ?? -1;
  playback.floor(snapshot.floor.holder?.id ?? null);
  mesh.floor(snapshot.floor.holder?.id ?? null);
  mesh.present(snapshot.participants.filter((p) => !snapshot.away.includes(p.id)).map((p) => p.id));
  store.update({
    view: 'channel',
    channel: snapshot.channel,
    private: snapshot.private,
    self: snapshot.self,
    others: snapshot.participants,
    away: snapshot.away,
    floor: snapshot.floor,
    ptt: microphone ? { phase: 'idle' } : { phase: 'listen-only' },
  });
}

function handleEvent<K extends keyof ServerEvents>(name: K, body: ServerEvents[K]): void {
  const e = { name, body } as { [N in keyof ServerEvents]: { name: N; body: ServerEvents[N] } }[keyof ServerEvents];
  switch (e.name) {
    case 'ParticipantJoined': {
      // A known id is someone back on a new connection: their old peer connection is dead, and they offer anew.
      const known = store.state.others.some((p) => p.id === e.body.id);
      store.update({
        others: known ? store.state.others.map((p) => (p.id === e.body.id ? e.body : p)) : [...store.state.others, e.body],
        away: store.state.away.filter((id) => id !== e.body.id),
      });
      mesh?.arrived(e.body.id);
      break;
    }
    case 'ParticipantAway':
      store.update({ away: [...store.state.away.filter((id) => id !== e.body.id), e.body.id] });
      mesh?.away(e.body.id);
      break;
    case 'ParticipantLeft':
      store.update({ others: store.state.others.filter((p) => p.id !== e.body.id), away: store.state.away.filter((id) => id !== e.body.id) });
      mesh?.left(e.body.id);
      break;
    case 'ServerClosing':
      break;
    case 'Signal':
      mesh?.receive(e.body.from, e.body);
      break;
    case 'FloorChanged':
      floorChanged(e.body);
      break;
    case 'FloorGranted':
      dispatch({ type: 'granted', now: Date.now(), limitMs: transmitLimitMs });
      break;
    case 'FloorRevoked':
      dispatch({ type: 'revoked', reason: e.body.reason });
      break;
  }
}

function floorChanged(floor: ServerEvents['FloorChanged']): void {
  if (floor.seq !== undefined) {
    if (floor.seq < floorSeq) {
      return;
    }
    floorSeq = floor.seq;
  }
  const selfId = store.state.self?.id;
  const before = store.state.floor.holder;
  store.update({ floor });
  playback.floor(floor.holder?.id ?? null);
  mesh?.floor(floor.holder?.id ?? null);
  if (before && before.id !== selfId && floor.holder?.id !== before.id) {
    sounds.play('roger');
  }
  const phase = store.state.ptt.phase;
  if (phase === 'talking' && floor.holder?.id !== selfId) {
    dispatch({ type: 'lost' });
  }
  // A latched "Busy" is not held down by anyone: once the channel is clear it must not keep saying Busy.
  if (phase === 'denied' && floor.holder === null && store.state.talkMode === 'latch') {
    dispatch({ type: 'release' });
  }
  const place = floor.queue.findIndex((p) => p.id === selfId);
  if (phase === 'queued' && place >= 0) {
    dispatch({ type: 'queue-position', position: place + 1 });
  }
  meter.watch(floor.holder && floor.holder.id !== selfId ? (remoteStreams.get(floor.holder.id) ?? null) : microphone);
}

function dispatch(event: PttEvent): void {
  const { state, effects } = ptt(store.state.ptt, event);
  store.update({ ptt: state });
  effects.forEach(run);
}

function run(effect: PttEffect): void {
  const track = microphone?.getAudioTracks()[0];
  switch (effect) {
    case 'request':
      performance.mark('walkie:request-sent');
      connection
        ?.requestFloor()
        .then((result) => {
          performance.mark('walkie:answer');
          if (result.floor) {
            floorChanged(result.floor);
          }
          dispatch({ type: 'answer', result, now: Date.now(), limitMs: transmitLimitMs });
        })
        .catch(() => dispatch({ type: 'disconnected' }));
      break;
    case 'release':
      connection
        ?.releaseFloor()
        .then((floor) => floor && floorChanged(floor))
        .catch(() => {});
      break;
    case 'start-sending':
      performance.mark('walkie:on-air');
      if (track) {
        track.enabled = true;
      }
      mesh?.setSending(true);
      meter.watch(microphone);
      break;
    case 'stop-sending':
      mesh?.setSending(false);
      if (track) {
        track.enabled = false;
      }
      break;
    case 'permit-tone':
      sounds.play('permit');
      vibrate('granted');
      break;
    case 'busy-tone':
      sounds.play('busy');
      vibrate('refused');
      break;
  }
}

function setMicrophone(stream: MediaStream | null): void {
  microphone = stream;
  // Gated from the start: nothing is sent until the server grants the floor.
  stream?.getAudioTracks().forEach((t) => (t.enabled = false));
  mesh?.setTrack(stream?.getAudioTracks()[0] ?? null);
  store.update({ mic: stream ? 'ready' : 'unavailable' });
  dispatch({ type: 'mic', available: stream !== null });
}

async function enableMicrophone(): Promise<void> {
  setMicrophone(await openMicrophone());
}

function attachRemote(peerId: string, stream: MediaStream): void {
  remoteStreams.set(peerId, stream);
  // Chromium plays a remote track only through a media element; WebAudio alone stays silent.
  let audio = remoteElement(peerId);
  if (!audio) {
    audio = document.createElement('audio');
    audio.autoplay = true;
    audio.dataset['peer'] = peerId;
    remoteAudio.append(audio);
  }
  audio.srcObject = stream;
  audio.volume = volumes.get(peerId) ?? 1;
  playback.peerAdded(peerId);
  void audio.play().catch(() => {});
  if (store.state.floor.holder?.id === peerId) {
    meter.watch(stream);
  }
}

function detachRemote(peerId: string): void {
  playback.peerRemoved(peerId);
  remoteStreams.delete(peerId);
  remoteAudio.querySelector(`audio[data-peer="${peerId}"]`)?.remove();
}

async function leave(): Promise<void> {
  dispatch({ type: 'disconnected' });
  mesh?.closeAll();
  mesh = null;
  sessionStorage.removeItem(sessionKey);
  await connection?.leave().catch(() => {});
  connection?.close();
  connection = null;
  microphone?.getTracks().forEach((t) => t.stop());
  microphone = null;
  // Back on the landing page with the channel still filled in, so joining again is one click.
  const channel = store.state.channel;
  const passcode = passcodeOf(store.state);
  history.replaceState(null, '', channelAddress(channel, passcode));
  notice.clear();
  store.update({ ...initialState, tones: store.state.tones, talkMode: store.state.talkMode });
  view.prefill(channel, localStorage.getItem('walkie.name') ?? '', passcode ?? '');
}

// Closing or reloading the tab closes the connection at once: the floor is freed and the others see us away at
// once, and a reload takes the same seat back with the session's resume token.
window.addEventListener('pagehide', () => connection?.close());

function animate(): void {
  view.setLevel(store.state.floor.holder ? meter.level() : 0);
  requestAnimationFrame(animate);
}
requestAnimationFrame(animate);
// The countdown near the end of a transmission.
setInterval(() => store.state.ptt.phase === 'talking' && view.refreshPtt(store.state), 250);
