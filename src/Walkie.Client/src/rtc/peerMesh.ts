import type { IceConfig, MediaLink, MediaSession, MediaSignal } from './mediaSession';
import { Negotiator } from './negotiator';
import { tuneOpus } from './sdp';

export interface PeerMeshOptions extends IceConfig {
  selfId: string;
}

interface Peer {
  pc: RTCPeerConnection;
  negotiator: Negotiator;
}

/**
 * One RTCPeerConnection per other participant, audio only. Our microphone track is on the senders only while we
 * hold the floor (setSending): without a track a sender sends no RTP at all, so an idle channel costs no uplink,
 * and swapping the track with replaceTrack never renegotiates.
 */
export class PeerMesh implements MediaSession {
  private readonly peers = new Map<string, Peer>();
  private track: MediaStreamTrack | null = null;
  private sending = false;

  constructor(
    private readonly options: PeerMeshOptions,
    private readonly link: MediaLink,
  ) {}

  /** The joiner offers to everyone present; someone away offers to us when they come back. */
  present(memberIds: readonly string[]): void {
    for (const id of memberIds) {
      this.connect(id, true);
    }
  }

  /** They offer anew, from their new connection. */
  arrived(memberId: string): void {
    this.disconnect(memberId);
    this.connect(memberId, false);
  }

  away(memberId: string): void {
    this.disconnect(memberId);
  }

  left(memberId: string): void {
    this.disconnect(memberId);
  }

  /** Every member's audio arrives here; the playback gate decides whom we hear. */
  floor(): void {}

  receive(from: string, payload: MediaSignal): void {
    // A signal can arrive from someone we have not connected to yet: they joined and offered straight away.
    const peer = this.peers.get(from) ?? this.create(from);
    void peer.negotiator.receive(payload);
  }

  /** The microphone to send while we hold the floor. */
  setTrack(track: MediaStreamTrack | null): void {
    this.track = track;
    this.applyTrack();
  }

  /** Puts the microphone on every connection (we hold the floor) or takes it off (we do not). */
  setSending(on: boolean): void {
    if (on !== this.sending) {
      this.sending = on;
      this.applyTrack();
    }
  }

  private outgoing(): MediaStreamTrack | null {
    return this.sending ? this.track : null;
  }

  private applyTrack(): void {
    const track = this.outgoing();
    for (const { pc } of this.peers.values()) {
      for (const t of pc.getTransceivers()) {
        if (t.receiver.track.kind === 'audio' && t.currentDirection !== 'stopped') {
          void t.sender.replaceTrack(track);
        }
      }
    }
  }

  closeAll(): void {
    for (const id of [...this.peers.keys()]) {
      this.disconnect(id);
    }
  }

  /** The one who learns of the other first (the joiner) starts negotiating. */
  private connect(peerId: string, initiate: boolean): void {
    if (this.peers.has(peerId)) {
      return;
    }
    const peer = this.create(peerId);
    if (initiate) {
      const transceiver = peer.pc.addTransceiver('audio', { direction: 'sendrecv' });
      void transceiver.sender.replaceTrack(this.outgoing());
    }
  }

  private disconnect(peerId: string): void {
    const peer = this.peers.get(peerId);
    if (peer) {
      this.peers.delete(peerId);
      peer.pc.close();
      this.link.onPeerGone(peerId);
    }
  }

  private create(peerId: string): Peer {
    const pc = new RTCPeerConnection({ iceServers: this.options.iceServers, iceTransportPolicy: this.options.iceTransportPolicy });
    const polite = this.options.selfId < peerId;
    const negotiator = new Negotiator(
      pc,
      polite,
      (signal) => this.link.send(peerId, signal),
      () => this.attachTrackToNewTransceivers(pc),
      (error) => console.warn('negotiation with', peerId, 'failed', error),
      tuneOpus,
    );
    pc.onnegotiationneeded = () => void negotiator.negotiationNeeded();
    pc.onicecandidate = ({ candidate }) => negotiator.localCandidate(candidate);
    pc.oniceconnectionstatechange = () => {
      if (pc.iceConnectionState === 'failed') {
        void this.restartIce(pc);
      }
    };
    pc.ontrack = ({ track, streams, receiver }) => {
      // Keep the jitter buffer at its floor: on a good network NetEq then plays out as early as it can.
      receiver.jitterBufferTarget = 0;
      this.link.onRemoteStream(peerId, streams[0] ?? new MediaStream([track]));
    };
    const peer = { pc, negotiator };
    this.peers.set(peerId, peer);
    return peer;
  }

  private async restartIce(pc: RTCPeerConnection): Promise<void> {
    try {
      const { iceServers, iceTransportPolicy } = await this.link.refreshIceServers();
      pc.setConfiguration({ ...pc.getConfiguration(), iceServers, iceTransportPolicy });
    } catch (error) {
      console.warn('could not refresh ICE servers; restarting with the old ones', error);
    }
    if (pc.connectionState !== 'closed') {
      pc.restartIce();
    }
  }

  /** The answerer's transceivers come from the offer; make them send our (possibly gated) track too. */
  private attachTrackToNewTransceivers(pc: RTCPeerConnection): void {
    for (const t of pc.getTransceivers()) {
      if (t.receiver.track.kind === 'audio' && t.direction !== 'sendrecv' && t.currentDirection !== 'stopped') {
        t.direction = 'sendrecv';
        void t.sender.replaceTrack(this.outgoing());
      }
    }
  }
}
