import type { MediaSignal } from './mediaSession';

/** The slice of RTCPeerConnection that negotiation uses, so tests can drive it with a fake. */
export interface PeerConnectionLike {
  readonly signalingState: RTCSignalingState;
  readonly localDescription: RTCSessionDescription | null;
  setLocalDescription(description?: RTCLocalSessionDescriptionInit): Promise<void>;
  setRemoteDescription(description: RTCSessionDescriptionInit): Promise<void>;
  addIceCandidate(candidate: RTCIceCandidateInit): Promise<void>;
}

/**
 * The W3C "perfect negotiation" pattern for one peer. The polite side rolls back its own offer when offers
 * collide; the impolite side ignores the incoming one. Incoming signals are handled strictly in order.
 */
export class Negotiator {
  private makingOffer = false;
  private ignoreOffer = false;
  private settingRemoteAnswerPending = false;
  private queue: Promise<void> = Promise.resolve();

  constructor(
    private readonly pc: PeerConnectionLike,
    readonly polite: boolean,
    private readonly send: (payload: MediaSignal) => void,
    /** Runs after an offer is applied and before answering: the moment to attach our track to new transceivers. */
    private readonly beforeAnswer: () => void = () => {},
    private readonly onError: (error: unknown) => void = () => {},
    /** Rewrites the SDP on its way out; the local description itself stays as the browser made it. */
    private readonly outgoingSdp: (sdp: string) => string = (sdp) => sdp,
  ) {}

  /** Wire to onnegotiationneeded. */
  async negotiationNeeded(): Promise<void> {
    try {
      this.makingOffer = true;
      await this.pc.setLocalDescription();
      this.sendLocalDescription();
    } catch (error) {
      this.onError(error);
    } finally {
      this.makingOffer = false;
    }
  }

  /** Wire to onicecandidate. */
  localCandidate(candidate: RTCIceCandidate | null): void {
    if (candidate) {
      this.send({ candidate: candidate.toJSON() as MediaSignal['candidate'] });
    }
  }

  receive(payload: MediaSignal): Promise<void> {
    this.queue = this.queue.then(() => this.handle(payload)).catch(this.onError);
    return this.queue;
  }

  private async handle({ description, candidate }: MediaSignal): Promise<void> {
    if (description) {
      const readyForOffer = !this.makingOffer && (this.pc.signalingState === 'stable' || this.settingRemoteAnswerPending);
      const collision = description.type === 'offer' && !readyForOffer;
      this.ignoreOffer = !this.polite && collision;
      if (this.ignoreOffer) {
        return;
      }
      this.settingRemoteAnswerPending = description.type === 'answer';
      await this.pc.setRemoteDescription(description);
      this.settingRemoteAnswerPending = false;
      if (description.type === 'offer') {
        this.beforeAnswer();
        await this.pc.setLocalDescription();
        this.sendLocalDescription();
      }
    } else if (candidate) {
      try {
        await this.pc.addIceCandidate(candidate);
      } catch (error) {
        // Candidates for an offer we ignored are expected to fail.
        if (!this.ignoreOffer) {
          throw error;
        }
      }
    }
  }

  private sendLocalDescription(): void {
    const local = this.pc.localDescription;
    if (local) {
      this.send({ description: { type: local.type, sdp: this.outgoingSdp(local.sdp) } });
    }
  }
}
