import type { Tone } from '../audio/sounds';
import { ptt, type PttEffect, type PttEvent } from '../floor/ptt';
import type { MediaLink, MediaSession } from '../rtc/mediaSession';
import { PlaybackGate } from '../rtc/playbackGate';
import type { ChannelConnection, ChannelConnectionCallbacks } from '../signaling/channelConnection';
import type { FloorInfo, HubError, JoinRequest, JoinResult, ServerEvents, SfuDescription } from '../signaling/protocol';
import type { AppState } from '../store';

/** The calls a session makes on its signaling connection. */
export type SessionConnection = Pick<
  ChannelConnection,
  'start' | 'join' | 'leave' | 'requestFloor' | 'releaseFloor' | 'refreshIceServers' | 'signal' | 'sfuPublish' | 'sfuListen' | 'sfuAnswer' | 'close'
>;

/** Where remote audio plays: one element per peer, since Chromium plays a remote track only through one. */
export interface RemoteAudioOutput {
  /** The peer's element holds this stream (and its volume), not yet playing. */
  attach(peerId: string, stream: MediaStream): void;
  setAudible(peerId: string, audible: boolean): void;
  /** Called once the element is muted or not, so autoplay rules judge it as it will play. */
  play(peerId: string): void;
  remove(peerId: string): void;
}

export interface ChannelSessionDeps {
  store: { readonly state: AppState; update(change: Partial<AppState>): void };
  connect: (callbacks: ChannelConnectionCallbacks) => SessionConnection;
  /** A fresh media session for each join or re-join snapshot. */
  createMedia: (snapshot: JoinResult, link: MediaLink) => MediaSession;
  audio: RemoteAudioOutput;
  sounds: { play(tone: Tone): void };
  meter: { watch(stream: MediaStream | null): void };
  vibrate: (kind: 'granted' | 'refused') => void;
  /** A join or re-join succeeded; keep this to come back as the same participant, even after a reload. */
  onSession: (request: JoinRequest) => void;
  onRejoinRefused: (error: HubError) => void;
}

/** A re-join answer comes within one round trip; the events before it are few. */
const maxPendingEvents = 256;

type ServerEvent = { [N in keyof ServerEvents]: { name: N; body: ServerEvents[N] } }[keyof ServerEvents];

/**
 * One joined channel: its connection, its media, the push-to-talk effects and the floor as this tab shows it.
 * Input arrives as method calls and server events; output goes to the store and the dependencies, so nothing here
 * knows the DOM or which topology carries the audio.
 */
export class ChannelSession {
  private readonly connection: SessionConnection;
  private media: MediaSession | null = null;
  // The last join, with what changed since: a new media for the same seat starts from it.
  private snapshot: JoinResult | null = null;
  private microphone: MediaStream | null = null;
  private transmitLimitMs = 0;
  // Answers and events can be handled out of order (an answer resolves in a microtask after events read in the same
  // batch), so each floor carries the channel's change count and an older one is dropped.
  private floorSeq = -1;
  // The last channel event handled, or the snapshot's count: anything at or below it is a duplicate or a straggler.
  private eventSeq = -1;
  // Events that arrive while we are cut off or re-joining: the re-join's answer resolves after events read in the same
  // batch, and its snapshot would overwrite them. They are handled after it, newer than it or dropped.
  private pending: ServerEvent[] | null = null;
  private readonly remoteStreams = new Map<string, MediaStream>();
  // A stream the server already limits to the floor holder (an SFU's): always audible, and what the meter shows.
  private floorStream: { id: string; stream: MediaStream } | null = null;
  // Only the floor holder is played: anyone else's audio stays muted here, whatever their client sends.
  private readonly playback: PlaybackGate;

  constructor(
    private readonly deps: ChannelSessionDeps,
    microphone: MediaStream | null,
  ) {
    this.playback = new PlaybackGate((peerId, audible) => deps.audio.setAudible(peerId, audible));
    this.setMicrophone(microphone);
    this.connection = deps.connect({
      onEvent: (name, body) => this.receive({ name, body } as ServerEvent),
      onState: (state) => {
        this.store.update({ connection: state });
        if (state !== 'connected') {
          this.pending ??= [];
          // Nobody can be heard or granted while we are cut off: show nothing stale.
          this.dispatch({ type: 'disconnected' });
          this.store.update({ floor: { holder: null, queue: [] } });
          this.floorSeq = -1;
          this.eventSeq = -1;
          this.playback.floor(null);
          this.media?.floor(null);
        }
      },
      onRejoined: (snapshot) => this.enter(snapshot),
      onSession: deps.onSession,
      onRejoinRefused: deps.onRejoinRefused,
    });
  }

  private get store(): ChannelSessionDeps['store'] {
    return this.deps.store;
  }

  /** Connects and joins; a refusal rejects, and the caller then closes the session. */
  async join(request: JoinRequest): Promise<JoinResult> {
    await this.connection.start();
    const joined = await this.connection.join(request);
    this.store.update({ passcode: request.passcode ?? '' });
    this.enter(joined);
    return joined;
  }

  press(): void {
    this.dispatch({ type: 'press' });
  }

  release(): void {
    this.dispatch({ type: 'release' });
  }

  /** Latched talking: one tap starts, the next stops. */
  toggle(): void {
    this.dispatch({ type: 'toggle' });
  }

  setMicrophone(stream: MediaStream | null): void {
    this.microphone = stream;
    // Gated from the start: nothing is sent until the server grants the floor.
    stream?.getAudioTracks().forEach((t) => (t.enabled = false));
    this.media?.setTrack(stream?.getAudioTracks()[0] ?? null);
    this.store.update({ mic: stream ? 'ready' : 'unavailable' });
    this.dispatch({ type: 'mic', available: stream !== null });
  }

  /** Leaves the channel for good: the seat is given up, and the microphone is let go. */
  async leave(): Promise<void> {
    this.dispatch({ type: 'disconnected' });
    this.media?.closeAll();
    this.media = null;
    await this.connection.leave().catch(() => {});
    this.connection.close();
    this.microphone?.getTracks().forEach((t) => t.stop());
    this.microphone = null;
  }

  /**
   * Closes the connection without leaving: the server keeps our seat for the resume grace, so a reload comes back
   * as the same participant.
   */
  close(): void {
    this.connection.close();
  }

  private enter(snapshot: JoinResult): void {
    this.snapshot = snapshot;
    this.transmitLimitMs = snapshot.limits.transmitLimitMs;
    this.floorSeq = snapshot.floor.seq ?? -1;
    this.eventSeq = snapshot.seq;
    this.startMedia(snapshot);
    this.store.update({
      view: 'channel',
      channel: snapshot.channel,
      private: snapshot.private,
      self: snapshot.self,
      others: snapshot.participants,
      away: snapshot.away,
      floor: snapshot.floor,
      ptt: this.microphone ? { phase: 'idle' } : { phase: 'listen-only' },
    });
    const queued = this.pending ?? [];
    this.pending = null;
    queued.forEach((e) => this.handleEvent(e));
  }

  /**
   * The channel now travels another way, without our leaving it: the new media starts from the channel as we show it
   * now (members, floor), and if we are on air we stay on air, publishing at once on the new media.
   */
  private mediaChanged(media: JoinResult['media']): void {
    if (!this.snapshot) {
      return;
    }
    const { others, away, floor } = this.store.state;
    this.snapshot = { ...this.snapshot, media, participants: others, away, floor };
    this.startMedia(this.snapshot);
    if (this.store.state.ptt.phase === 'talking') {
      this.media?.setSending(true);
    }
  }

  private startMedia(snapshot: JoinResult): void {
    this.media?.closeAll();
    const signaling = this.connection;
    this.media = this.deps.createMedia(snapshot, {
      refreshIceServers: () => signaling.refreshIceServers(),
      send: (to, signal) => void signaling.signal(to, signal).catch((e: unknown) => console.warn('signal failed', e)),
      onRemoteStream: (peerId, stream, options) => this.attachRemote(peerId, stream, options?.floorOnly ?? false),
      onPeerGone: (peerId) => this.detachRemote(peerId),
      sfuPublish: (offer) => signaling.sfuPublish(sfuDescription(offer)),
      sfuListen: () => signaling.sfuListen(),
      sfuAnswer: (answer) => signaling.sfuAnswer(sfuDescription(answer)),
    });
    this.media.setTrack(this.microphone?.getAudioTracks()[0] ?? null);
    this.playback.floor(snapshot.floor.holder?.id ?? null);
    this.media.floor(snapshot.floor.holder?.id ?? null);
    this.media.present(snapshot.participants.filter((p) => !snapshot.away.includes(p.id)).map((p) => p.id));
    this.store.update({ audio: 'ok' });
  }

  private receive(e: ServerEvent): void {
    if (this.pending) {
      if (this.pending.length < maxPendingEvents) {
        this.pending.push(e);
      }
      return;
    }
    this.handleEvent(e);
  }

  private handleEvent(e: ServerEvent): void {
    const seq = 'seq' in e.body ? e.body.seq : undefined;
    if (seq !== undefined) {
      if (seq <= this.eventSeq) {
        return;
      }
      this.eventSeq = seq;
    }
    const { state } = this.store;
    switch (e.name) {
      case 'ParticipantJoined': {
        // A known id is someone back on a new connection.
        const joined = { id: e.body.id, name: e.body.name };
        const known = state.others.some((p) => p.id === joined.id);
        this.store.update({
          others: known ? state.others.map((p) => (p.id === joined.id ? joined : p)) : [...state.others, joined],
          away: state.away.filter((id) => id !== e.body.id),
        });
        this.media?.arrived(e.body.id);
        break;
      }
      case 'ParticipantAway':
        this.store.update({ away: [...state.away.filter((id) => id !== e.body.id), e.body.id] });
        this.media?.away(e.body.id);
        break;
      case 'ParticipantLeft':
        this.store.update({ others: state.others.filter((p) => p.id !== e.body.id), away: state.away.filter((id) => id !== e.body.id) });
        this.media?.left(e.body.id);
        break;
      case 'ServerClosing':
        break;
      case 'Signal':
        this.media?.receive(e.body.from, e.body);
        break;
      case 'FloorChanged':
        this.floorChanged(e.body);
        break;
      case 'FloorGranted':
        this.dispatch({ type: 'granted', now: Date.now(), limitMs: this.transmitLimitMs });
        break;
      case 'FloorRevoked':
        this.dispatch({ type: 'revoked', reason: e.body.reason });
        break;
      case 'MediaChanged':
        this.mediaChanged({ topology: e.body.topology });
        break;
      case 'MediaInterrupted':
        // What we had with the media server died with it; the server rebuilds the channel there and says so.
        this.media?.closeAll();
        this.media = null;
        this.store.update({ audio: 'interrupted' });
        break;
    }
  }

  private floorChanged(floor: FloorInfo): void {
    if (floor.seq !== undefined) {
      if (floor.seq < this.floorSeq) {
        return;
      }
      this.floorSeq = floor.seq;
    }
    const selfId = this.store.state.self?.id;
    const before = this.store.state.floor.holder;
    this.store.update({ floor });
    this.playback.floor(floor.holder?.id ?? null);
    this.media?.floor(floor.holder?.id ?? null);
    this.gateFloorStream();
    if (before && before.id !== selfId && floor.holder?.id !== before.id) {
      this.deps.sounds.play('roger');
    }
    const phase = this.store.state.ptt.phase;
    if (phase === 'talking' && floor.holder?.id !== selfId) {
      this.dispatch({ type: 'lost' });
    }
    // A latched "Busy" is not held down by anyone: once the channel is clear it must not keep saying Busy.
    if (phase === 'denied' && floor.holder === null && this.store.state.talkMode === 'latch') {
      this.dispatch({ type: 'release' });
    }
    const place = floor.queue.findIndex((p) => p.id === selfId);
    if (phase === 'queued' && place >= 0) {
      this.dispatch({ type: 'queue-position', position: place + 1 });
    }
    const holder = floor.holder;
    this.deps.meter.watch(holder && holder.id !== selfId ? this.streamOf(holder.id) : this.microphone);
  }

  private streamOf(holderId: string): MediaStream | null {
    return this.floorStream?.stream ?? this.remoteStreams.get(holderId) ?? null;
  }

  private dispatch(event: PttEvent): void {
    const { state, effects } = ptt(this.store.state.ptt, event);
    this.store.update({ ptt: state });
    effects.forEach((effect) => this.run(effect));
  }

  // User Timing marks let benchmarks time press-to-grant from inside the page (docs/BENCHMARKS.md).
  private run(effect: PttEffect): void {
    const track = this.microphone?.getAudioTracks()[0];
    switch (effect) {
      case 'request':
        performance.mark('walkie:request-sent');
        this.connection
          .requestFloor()
          .then((result) => {
            performance.mark('walkie:answer');
            if (result.floor) {
              this.floorChanged(result.floor);
            }
            this.dispatch({ type: 'answer', result, now: Date.now(), limitMs: this.transmitLimitMs });
          })
          .catch(() => this.dispatch({ type: 'disconnected' }));
        break;
      case 'release':
        this.connection
          .releaseFloor()
          .then((floor) => floor && this.floorChanged(floor))
          .catch(() => {});
        break;
      case 'start-sending':
        performance.mark('walkie:on-air');
        if (track) {
          track.enabled = true;
        }
        this.media?.setSending(true);
        this.deps.meter.watch(this.microphone);
        break;
      case 'stop-sending':
        this.media?.setSending(false);
        if (track) {
          track.enabled = false;
        }
        break;
      case 'permit-tone':
        this.deps.sounds.play('permit');
        this.deps.vibrate('granted');
        break;
      case 'busy-tone':
        this.deps.sounds.play('busy');
        this.deps.vibrate('refused');
        break;
    }
  }

  private attachRemote(peerId: string, stream: MediaStream, floorOnly: boolean): void {
    this.deps.audio.attach(peerId, stream);
    if (floorOnly) {
      this.floorStream = { id: peerId, stream };
      this.gateFloorStream();
    } else {
      this.remoteStreams.set(peerId, stream);
      this.playback.peerAdded(peerId);
    }
    this.deps.audio.play(peerId);
    const holder = this.store.state.floor.holder;
    if (holder && holder.id !== this.store.state.self?.id && (floorOnly || holder.id === peerId)) {
      this.deps.meter.watch(stream);
    }
  }

  /** The floor stream carries our own voice back while we hold the floor: never play that. */
  private gateFloorStream(): void {
    if (this.floorStream) {
      const holder = this.store.state.floor.holder;
      this.deps.audio.setAudible(this.floorStream.id, !holder || holder.id !== this.store.state.self?.id);
    }
  }

  private detachRemote(peerId: string): void {
    if (this.floorStream?.id === peerId) {
      this.floorStream = null;
    }
    this.playback.peerRemoved(peerId);
    this.remoteStreams.delete(peerId);
    this.deps.audio.remove(peerId);
  }
}

/** The media server takes only offers and answers with an SDP. */
function sfuDescription(description: RTCSessionDescriptionInit): SfuDescription {
  if ((description.type !== 'offer' && description.type !== 'answer') || !description.sdp) {
    throw new Error(`cannot send a ${description.type} without an SDP to the media server`);
  }
  return { type: description.type, sdp: description.sdp };
}
