import './styles.css';
import { LevelMeter, openMicrophone, Sounds } from './audio/sounds';
import { isReachable, ReachabilityGate } from './pwa/reachability';
import { registerServiceWorker } from './pwa/registerServiceWorker';
import { PeerMesh } from './rtc/peerMesh';
import { SfuSession } from './rtc/sfuSession';
import { ChannelSession } from './session/channelSession';
import { ChannelConnection } from './signaling/channelConnection';
import { errorSentence, joinErrorField } from './signaling/errors';
import { HubError, validateJoin, type JoinRequest } from './signaling/protocol';
import { bindMediaSession, ScreenWake, titleFor, vibrate } from './device/background';
import { channelAddress, newPrivateChannel, parseFragment, shareLink } from './share/privateLink';
import { qrSvg } from './share/qr';
import { initialState, Store, type AppState, type TalkMode } from './store';
import { bindNewPrivateChannel, newPrivateChannelParts } from './ui/newPrivateChannel';
import { renamedNotice, TransientNotice } from './ui/notices';
import { OfflineView } from './ui/offlineView';
import { bindPushToTalk } from './ui/pushToTalkInput';
import { RemoteAudio } from './ui/remoteAudio';
import { routeFrom } from './ui/route';
import { SharePanel, sharePanelParts } from './ui/sharePanel';
import { View } from './ui/view';

// main.ts wires the page to the store and to a ChannelSession per joined channel, where signaling and rtc meet.

const savedMode = (): TalkMode => (localStorage.getItem('walkie.talkMode') === 'latch' ? 'latch' : 'hold');
const store = new Store({ ...initialState, tones: localStorage.getItem('walkie.tones') !== 'off', talkMode: savedMode(), secure: window.isSecureContext });
const notice = new TransientNotice((text) => store.update({ notice: text }));
const screenWake = new ScreenWake();
let audioContext: AudioContext | null = null;
const sounds = new Sounds(() => (store.state.tones ? audioContext : null));
const meter = new LevelMeter(() => audioContext);
const remoteAudio = new RemoteAudio(document.getElementById('remote-audio')!);
let session: ChannelSession | null = null;

const view = new View({
  join: (channel, name, passcode) => void join(channel, name, { passcode }),
  leave: () => void leave(),
  enableMic: () => void enableMicrophone(),
  setVolume: (participantId, volume) => remoteAudio.setVolume(participantId, volume),
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
  session?.toggle();
};
bindPushToTalk(view.ptt, {
  press: () => {
    performance.mark('walkie:press');
    session?.press();
  },
  release: () => session?.release(),
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
  const microphone = await micRequest;
  localStorage.setItem('walkie.name', name.trim());

  const joining = new ChannelSession(
    {
      store,
      connect: (callbacks) => new ChannelConnection('/hubs/channel', callbacks),
      // The one place that knows topologies: the server says which one carries this channel.
      createMedia: (snapshot, link) =>
        snapshot.media?.topology === 'sfu'
          ? new SfuSession({ streamId: `channel:${snapshot.channel}`, iceServers: snapshot.iceServers, iceTransportPolicy: snapshot.iceTransportPolicy }, link)
          : new PeerMesh({ selfId: snapshot.self.id, iceServers: snapshot.iceServers, iceTransportPolicy: snapshot.iceTransportPolicy }, link),
      audio: remoteAudio,
      sounds,
      meter,
      vibrate,
      onSession: (request) => sessionStorage.setItem(sessionKey, JSON.stringify(request)),
      onRejoinRefused: (error) => notice.say(errorSentence(error), 10_000),
    },
    microphone,
  );
  session = joining;
  try {
    const joined = await joining.join({
      channel,
      name: name.trim(),
      ...(extra.passcode ? { passcode: extra.passcode } : {}),
      ...(extra.resume ? { resume: extra.resume } : {}),
    });
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
    joining.close();
    session = null;
    // Refused: the browser's microphone indicator must not stay on for a channel we are not in.
    microphone?.getTracks().forEach((t) => t.stop());
  } finally {
    store.update({ joining: false });
  }
}

async function enableMicrophone(): Promise<void> {
  const microphone = await openMicrophone();
  session?.setMicrophone(microphone);
}

async function leave(): Promise<void> {
  sessionStorage.removeItem(sessionKey);
  await session?.leave();
  session = null;
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
window.addEventListener('pagehide', () => session?.close());

function animate(): void {
  view.setLevel(store.state.floor.holder ? meter.level() : 0);
  requestAnimationFrame(animate);
}
requestAnimationFrame(animate);
// The countdown near the end of a transmission.
setInterval(() => store.state.ptt.phase === 'talking' && view.refreshPtt(store.state), 250);
