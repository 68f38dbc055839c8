import { describe, expect, it } from 'vitest';
import type { MediaLink, MediaSession, MediaSignal } from '../rtc/mediaSession';
import type { ChannelConnectionCallbacks } from '../signaling/channelConnection';
import type { FloorInfo, FloorOutcome, JoinRequest, JoinResult, ServerEvents, SfuDescription, SignalPayload } from '../signaling/protocol';
import { initialState, Store } from '../store';
import { ChannelSession, type SessionConnection } from './channelSession';

const alice = { id: 'p-a', name: 'Alice' };
const bob = { id: 'p-b', name: 'Bob' };
const carol = { id: 'p-c', name: 'Carol' };
const dan = { id: 'p-d', name: 'Dan' };

/** Alice joins; Bob is there, Carol is away, nobody talks. */
function snapshot(change: Partial<JoinResult> = {}): JoinResult {
  return {
    self: alice,
    channel: 'ops',
    private: false,
    participants: [bob, carol],
    away: [carol.id],
    floor: { holder: null, queue: [], seq: 3 },
    iceServers: [],
    iceTransportPolicy: 'all',
    limits: { maxParticipants: 8, transmitLimitMs: 30_000, floorQueue: true, keepAliveIntervalMs: 5000, clientTimeoutMs: 10_000, resumeGraceMs: 30_000 },
    negotiation: 'perfect',
    resumeToken: 'token',
    resumed: false,
    media: { topology: 'mesh' },
    seq: 3,
    ...change,
  };
}

class FakeConnection implements SessionConnection {
  readonly calls: string[] = [];
  readonly signals: { to: string; payload: SignalPayload }[] = [];
  answer: FloorOutcome = { outcome: 'granted' };

  constructor(
    readonly callbacks: ChannelConnectionCallbacks,
    private readonly joined: JoinResult,
  ) {}

  async start(): Promise<void> {
    this.calls.push('start');
    this.callbacks.onState('connected');
  }
  async join(request: JoinRequest): Promise<JoinResult> {
    this.calls.push(`join:${request.channel}`);
    return this.joined;
  }
  async leave(): Promise<void> {
    this.calls.push('leave');
  }
  async requestFloor(): Promise<FloorOutcome> {
    this.calls.push('requestFloor');
    return this.answer;
  }
  async releaseFloor(): Promise<FloorInfo | null> {
    this.calls.push('releaseFloor');
    return null;
  }
  async refreshIceServers(): Promise<{ iceServers: RTCIceServer[]; iceTransportPolicy: RTCIceTransportPolicy }> {
    return { iceServers: [], iceTransportPolicy: 'all' };
  }
  async signal(to: string, payload: SignalPayload): Promise<void> {
    this.signals.push({ to, payload });
  }
  async sfuPublish(offer: SfuDescription): Promise<SfuDescription> {
    this.calls.push(`sfuPublish:${offer.type}`);
    return { type: 'answer', sdp: 'janus-answer' };
  }
  async sfuListen(): Promise<SfuDescription> {
    this.calls.push('sfuListen');
    return { type: 'offer', sdp: 'janus-offer' };
  }
  async sfuAnswer(answer: SfuDescription): Promise<void> {
    this.calls.push(`sfuAnswer:${answer.type}`);
  }
  close(): void {
    this.calls.push('close');
  }

  event<K extends keyof ServerEvents>(name: K, body: ServerEvents[K]): void {
    this.callbacks.onEvent(name, body);
  }
}

/** Records what the session tells its media, in order. */
class FakeMedia implements MediaSession {
  readonly calls: string[] = [];
  readonly received: { from: string; signal: MediaSignal }[] = [];

  constructor(readonly link: MediaLink) {}

  setTrack(track: MediaStreamTrack | null): void {
    this.calls.push(`track:${track ? 'mic' : 'none'}`);
  }
  setSending(on: boolean): void {
    this.calls.push(`sending:${on}`);
  }
  present(memberIds: readonly string[]): void {
    this.calls.push(`present:${memberIds.join(',')}`);
  }
  arrived(memberId: string): void {
    this.calls.push(`arrived:${memberId}`);
  }
  away(memberId: string): void {
    this.calls.push(`away:${memberId}`);
  }
  left(memberId: string): void {
    this.calls.push(`left:${memberId}`);
  }
  floor(holderId: string | null): void {
    this.calls.push(`floor:${holderId}`);
  }
  receive(from: string, signal: MediaSignal): void {
    this.received.push({ from, signal });
  }
  closeAll(): void {
    this.calls.push('closeAll');
  }
}

function microphone() {
  const track = { kind: 'audio', enabled: true, stopped: false, stop: () => (track.stopped = true) };
  const stream = { getAudioTracks: () => [track], getTracks: () => [track] } as unknown as MediaStream;
  return { stream, track };
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

async function joined(joinResult = snapshot()) {
  const store = new Store(initialState);
  const mic = microphone();
  const medias: FakeMedia[] = [];
  const snapshots: JoinResult[] = [];
  const tones: string[] = [];
  const audio: string[] = [];
  let connection: FakeConnection | undefined;
  const session = new ChannelSession(
    {
      store,
      connect: (callbacks) => (connection = new FakeConnection(callbacks, joinResult)),
      createMedia: (snapshot, link) => {
        snapshots.push(snapshot);
        medias.push(new FakeMedia(link));
        return medias.at(-1)!;
      },
      audio: {
        attach: (peerId) => audio.push(`attach:${peerId}`),
        setAudible: (peerId, audible) => audio.push(`${audible ? 'audible' : 'muted'}:${peerId}`),
        play: (peerId) => audio.push(`play:${peerId}`),
        remove: (peerId) => audio.push(`remove:${peerId}`),
      },
      sounds: { play: (tone) => tones.push(tone) },
      meter: { watch: () => {} },
      vibrate: () => {},
      onSession: () => {},
      onRejoinRefused: () => {},
    },
    mic.stream,
  );
  await session.join({ channel: 'ops', name: 'Alice' });
  return { session, store, mic, medias, snapshots, tones, audio, connection: connection!, media: () => medias.at(-1)! };
}

async function talking() {
  const s = await joined();
  s.session.press();
  await settle();
  expect(s.store.state.ptt.phase).toBe('talking');
  return s;
}

describe('ChannelSession', () => {
  it('joining tells the media who is present, not who is away, and who holds the floor', async () => {
    const { store, media, connection } = await joined(snapshot({ floor: { holder: bob, queue: [], seq: 3 } }));
    expect(connection.calls).toEqual(['start', 'join:ops']);
    expect(media().calls).toEqual(['track:mic', 'floor:p-b', 'present:p-b']);
    expect(store.state).toMatchObject({ view: 'channel', channel: 'ops', self: alice, away: [carol.id], ptt: { phase: 'idle' } });
  });

  it('a floor change older than the one shown is dropped', async () => {
    const { store, media, connection } = await joined();
    connection.event('FloorChanged', { holder: bob, queue: [], seq: 5 });
    connection.event('FloorChanged', { holder: null, queue: [], seq: 4 });
    expect(store.state.floor.holder).toEqual(bob);
    expect(media().calls.filter((c) => c.startsWith('floor:'))).toEqual(['floor:null', 'floor:p-b']);
  });

  it('a grant puts the microphone on the air and a revoke takes it off', async () => {
    const { mic, media, connection, store, tones } = await talking();
    expect(connection.calls).toContain('requestFloor');
    expect(mic.track.enabled).toBe(true);
    expect(media().calls.at(-1)).toBe('sending:true');

    connection.event('FloorRevoked', { reason: 'time-limit' });
    expect(store.state.ptt).toEqual({ phase: 'revoked', reason: 'time-limit' });
    expect(mic.track.enabled).toBe(false);
    expect(media().calls.at(-1)).toBe('sending:false');
    expect(tones).toEqual(['permit', 'busy']);
  });

  it('the floor passing to someone else while we talk takes the microphone off the air', async () => {
    const { store, media, mic, connection } = await talking();
    connection.event('FloorChanged', { holder: bob, queue: [], seq: 4 });
    expect(store.state.ptt).toEqual({ phase: 'revoked', reason: 'lost' });
    expect(mic.track.enabled).toBe(false);
    expect(media().calls.at(-1)).toBe('sending:false');
  });

  it('a queued press goes on the air when FloorGranted arrives', async () => {
    const s = await joined();
    s.connection.answer = { outcome: 'queued', position: 1, holder: bob };
    s.session.press();
    await settle();
    expect(s.store.state.ptt).toEqual({ phase: 'queued', position: 1 });
    expect(s.media().calls).not.toContain('sending:true');

    s.connection.event('FloorGranted', {});
    expect(s.store.state.ptt.phase).toBe('talking');
    expect(s.media().calls.at(-1)).toBe('sending:true');
  });

  it('members arriving, going away and leaving are told to the media', async () => {
    const { store, media, connection } = await joined();
    connection.event('ParticipantJoined', carol);
    connection.event('ParticipantAway', { id: bob.id });
    connection.event('ParticipantLeft', { id: carol.id });
    expect(media().calls.slice(-3)).toEqual(['arrived:p-c', 'away:p-b', 'left:p-c']);
    expect(store.state.others).toEqual([bob]);
    expect(store.state.away).toEqual([bob.id]);
  });

  it('signals pass between the media and the connection', async () => {
    const { media, connection } = await joined();
    const offer: MediaSignal = { description: { type: 'offer', sdp: 'v=0' } };
    connection.event('Signal', { from: bob.id, ...offer });
    media().link.send(bob.id, offer);
    expect(media().received).toEqual([{ from: bob.id, signal: { from: bob.id, ...offer } }]);
    expect(connection.signals).toEqual([{ to: bob.id, payload: offer }]);
  });

  it('a disconnect clears the floor and stops sending', async () => {
    const { store, media, mic, connection } = await talking();
    connection.event('FloorChanged', { holder: alice, queue: [], seq: 9 });
    connection.callbacks.onState('reconnecting');
    expect(store.state.connection).toBe('reconnecting');
    expect(store.state.floor).toEqual({ holder: null, queue: [] });
    expect(store.state.ptt.phase).toBe('idle');
    expect(mic.track.enabled).toBe(false);
    expect(media().calls.slice(-2)).toEqual(['sending:false', 'floor:null']);

    // The count starts over with the re-joined channel (a server that restarted).
    connection.callbacks.onRejoined(snapshot({ floor: { holder: null, queue: [], seq: 0 }, seq: 0 }));
    connection.event('FloorChanged', { holder: bob, queue: [], seq: 1 });
    expect(store.state.floor.holder).toEqual(bob);
  });

  it('a re-join closes the old media and starts a new one from the snapshot', async () => {
    const { medias, connection, store } = await joined();
    connection.callbacks.onRejoined(snapshot({ participants: [bob, carol], away: [] }));
    expect(medias).toHaveLength(2);
    expect(medias[0]!.calls.at(-1)).toBe('closeAll');
    expect(medias[1]!.calls).toContain('present:p-b,p-c');
    expect(store.state.away).toEqual([]);
  });

  it('MediaChanged swaps the media for the same seat: the members and the floor as they are now', async () => {
    const { medias, snapshots, connection, store } = await joined();
    connection.event('FloorChanged', { holder: bob, queue: [], seq: 4 });
    connection.event('ParticipantAway', { id: bob.id });
    connection.event('ParticipantJoined', carol);
    connection.event('MediaChanged', { topology: 'sfu' });

    expect(medias).toHaveLength(2);
    expect(medias[0]!.calls.at(-1)).toBe('closeAll');
    expect(snapshots[1]!.media).toEqual({ topology: 'sfu' });
    expect(snapshots[1]!.self).toEqual(alice);
    expect(medias[1]!.calls).toEqual(['track:mic', 'floor:p-b', 'present:p-c']);
    // Nobody joined again: the connection only started and joined once, and the store kept what it showed.
    expect(connection.calls).toEqual(['start', 'join:ops']);
    expect(store.state.floor.holder).toEqual(bob);
    expect(store.state.self).toEqual(alice);
    // Older floors are still dropped after the swap.
    connection.event('FloorChanged', { holder: carol, queue: [], seq: 3 });
    expect(store.state.floor.holder).toEqual(bob);
  });

  it('drops a channel event whose seq is not above the last one seen or the snapshot\'s', async () => {
    const { connection, store } = await joined();
    connection.event('ParticipantJoined', { ...bob, seq: 2 });
    connection.event('ParticipantLeft', { id: bob.id, seq: 3 });
    expect(store.state.others.map((p) => p.id)).toEqual([bob.id, carol.id]);

    connection.event('ParticipantLeft', { id: bob.id, seq: 5 });
    // A straggler from before the leave, as a cluster can deliver after a node died: Bob must not come back.
    connection.event('ParticipantJoined', { ...bob, seq: 4 });
    connection.event('ParticipantJoined', { ...bob, seq: 5 });
    expect(store.state.others.map((p) => p.id)).toEqual([carol.id]);

    connection.event('ParticipantJoined', { ...bob, seq: 6 });
    expect(store.state.others).toEqual([carol, bob]);
  });

  it('events that arrive before a re-join\'s snapshot are applied after it, not overwritten by it', async () => {
    const { connection, store } = await joined();
    connection.callbacks.onState('reconnecting');
    connection.callbacks.onState('connected');
    // Read in the same batch as the re-join's answer, which resolves after them.
    connection.event('ParticipantJoined', { ...dan, seq: 8 });
    connection.event('ParticipantLeft', { id: bob.id, seq: 6 });
    connection.callbacks.onRejoined(snapshot({ participants: [bob], away: [], seq: 7 }));
    expect(store.state.others).toEqual([bob, dan]);
  });

  it('MediaInterrupted closes the dead media and says voice is down until the next MediaChanged', async () => {
    const { medias, connection, store } = await joined();
    connection.event('FloorChanged', { holder: bob, queue: [], seq: 4 });
    connection.event('MediaInterrupted', { topology: 'sfu' });

    expect(medias[0]!.calls.at(-1)).toBe('closeAll');
    expect(store.state.audio).toBe('interrupted');
    // The floor is the server's and outlives the media server: still shown as it was.
    expect(store.state.floor.holder).toEqual(bob);

    connection.event('MediaChanged', { topology: 'sfu' });
    expect(medias).toHaveLength(2);
    expect(medias[1]!.calls).toEqual(['track:mic', 'floor:p-b', 'present:p-b']);
    expect(store.state.audio).toBe('ok');
  });

  it('a talker stays on air across a media change: the new media sends at once', async () => {
    const { medias, connection, store, mic } = await talking();
    connection.event('MediaChanged', { topology: 'sfu' });

    expect(medias[1]!.calls).toEqual(['track:mic', 'floor:null', 'present:p-b', 'sending:true']);
    expect(store.state.ptt.phase).toBe('talking');
    expect(mic.track.enabled).toBe(true);
  });

  it('only the floor holder is audible, and the element is muted or not before it plays', async () => {
    const { media, connection, audio } = await joined();
    connection.event('FloorChanged', { holder: bob, queue: [], seq: 4 });
    media().link.onRemoteStream(carol.id, microphone().stream);
    media().link.onRemoteStream(bob.id, microphone().stream);
    expect(audio).toEqual(['attach:p-c', 'muted:p-c', 'play:p-c', 'attach:p-b', 'audible:p-b', 'play:p-b']);

    connection.event('FloorChanged', { holder: carol, queue: [], seq: 5 });
    media().link.onPeerGone(carol.id);
    expect(audio.slice(6)).toEqual(['muted:p-b', 'audible:p-c', 'remove:p-c']);
  });

  it('a stream the server limits to the floor holder plays whoever else holds the floor, and never our own voice', async () => {
    const { media, connection, audio } = await joined();
    connection.event('FloorChanged', { holder: bob, queue: [], seq: 4 });
    media().link.onRemoteStream('sfu', microphone().stream, { floorOnly: true });
    expect(audio).toEqual(['attach:sfu', 'audible:sfu', 'play:sfu']);

    connection.event('FloorChanged', { holder: carol, queue: [], seq: 5 });
    connection.event('FloorChanged', { holder: alice, queue: [], seq: 6 });
    connection.event('FloorChanged', { holder: null, queue: [], seq: 7 });
    expect(audio.slice(3)).toEqual(['audible:sfu', 'muted:sfu', 'audible:sfu']);
  });

  it('the media reaches the media server through the connection, with SDP only', async () => {
    const { media, connection } = await joined();
    expect(await media().link.sfuPublish({ type: 'offer', sdp: 'o' })).toEqual({ type: 'answer', sdp: 'janus-answer' });
    expect(await media().link.sfuListen()).toEqual({ type: 'offer', sdp: 'janus-offer' });
    await media().link.sfuAnswer({ type: 'answer', sdp: 'a' });
    expect(connection.calls.slice(-3)).toEqual(['sfuPublish:offer', 'sfuListen', 'sfuAnswer:answer']);
    expect(() => media().link.sfuAnswer({ type: 'answer' })).toThrow();
  });

  it('leaving closes the media and the connection and lets go of the microphone', async () => {
    const { session, media, connection, mic } = await talking();
    await session.leave();
    expect(media().calls.slice(-2)).toEqual(['sending:false', 'closeAll']);
    expect(connection.calls.slice(-2)).toEqual(['leave', 'close']);
    expect(mic.track.stopped).toBe(true);
  });
});
