import type { SignalPayload } from '../signaling/protocol';
import { Negotiator } from './negotiator';
import { tuneOpus } from './sdp';

export interface PeerMeshOptions {
  selfId: string;
  iceServers: RTCIceServer[];
  iceTransportPolicy: RTCIceTransportPolicy;
  /** TURN credentials expire; an ICE restart asks for fresh ones first. */
  refreshIceServers: () => Promise<{ iceServers: RTCIceServer[]; iceTransportPolicy: RTCIceTransportPolicy }>;
  send: (to: string, payload: SignalPayload) => void;
  onRemoteStream: (peerId: string, stream: MediaStream) => void;
  onPeerGone: (peerId: string) => void;
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
export class PeerMesh {
  private readonly peers = new Map<string, Peer>();
  private track: MediaStreamTrack | null = null;
  private sending = false;

  constructor(private readonly options: PeerMeshOptions) {}

  /** A participant we should talk to. The one who learns of the other first (the joiner) starts negotiating. */
  connect(peerId: string, initiate: boolean): void {
    if (this.peers.has(peerId)) {
      return;
    }
    const peer = this.create(peerId);
    if (initiate) {
      const transceiver = peer.pc.addTransceiver('audio', { direction: 'sendrecv' });
      void transceiver.sender.replaceTrack(this.outgoing());
    }
  }

  receive(from: string, payload: SignalPayload): void {
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

  disconnect(peerId: string): void {
    const peer = this.peers.get(peerId);
    if (peer) {
      this.peers.delete(peerId);
      peer.pc.close();
      this.options.onPeerGone(peerId);
    }
  }

  closeAll(): void {
    for (const id of [...this.peers.keys()]) {
      this.disconnect(id);
    }
  }

  private create(peerId: string): Peer {
    const pc = new RTCPeerConnection({ iceServers: this.options.iceServers, iceTransportPolicy: this.options.iceTransportPolicy });
    const polite = this.options.selfId < peerId;
    const negotiator = new Negotiator(
      pc,
      polite,
      (payload) => this.options.send(peerId, payload),
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
      this.options.onRemoteStream(peerId, streams[0] ?? new MediaStream([track]));
    };
    const peer = { pc, negotiator };
    this.peers.set(peerId, peer);
    return peer;
  }

  private async restartIce(pc: RTCPeerConnection): Promise<void> {
    try {
      const { iceServers, iceTransportPolicy } = await this.options.refreshIceServers();
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
