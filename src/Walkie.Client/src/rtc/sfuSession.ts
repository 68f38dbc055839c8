import type { IceConfig, MediaLink, MediaSession } from './mediaSession';

export interface SfuSessionOptions extends IceConfig {
  /** The id the one remote stream is played under. */
  streamId: string;
}

/** How long to wait for ICE gathering before sending what we have: Janus takes candidates only in the SDP here. */
const gatherTimeoutMs = 5000;

/**
 * A channel carried by the server's media server: two connections whatever the channel's size. We publish on one
 * (send only), and listen on the other to the one stream the server forwards, the floor holder's. The server picks
 * whom to forward, so this stream is played as it comes; our own microphone is still gated as in the mesh, since
 * a track that is not on the sender costs no uplink.
 */
export class SfuSession implements MediaSession {
  private publisher: RTCPeerConnection | null = null;
  private listener: RTCPeerConnection | null = null;
  private sender: RTCRtpSender | null = null;
  private track: MediaStreamTrack | null = null;
  private sending = false;
  private closed = false;

  constructor(
    private readonly options: SfuSessionOptions,
    private readonly link: MediaLink,
  ) {}

  /** Whoever is present, we connect to the media server alone, once. */
  present(): void {
    if (this.publisher || this.closed) {
      return;
    }
    this.publisher = this.connection();
    this.listener = this.connection();
    void this.publish(this.publisher).catch((error: unknown) => console.warn('publishing to the media server failed', error));
    void this.listen(this.listener).catch((error: unknown) => console.warn('listening to the media server failed', error));
  }

  // Members coming and going, and the floor, change nothing here: the server forwards whoever holds the floor.
  arrived(): void {}

  away(): void {}

  left(): void {}

  floor(): void {}

  receive(): void {}

  setTrack(track: MediaStreamTrack | null): void {
    this.track = track;
    this.applyTrack();
  }

  setSending(on: boolean): void {
    if (on !== this.sending) {
      this.sending = on;
      this.applyTrack();
    }
  }

  closeAll(): void {
    this.closed = true;
    this.publisher?.close();
    this.listener?.close();
    this.publisher = this.listener = this.sender = null;
    this.link.onPeerGone(this.options.streamId);
  }

  private applyTrack(): void {
    void this.sender?.replaceTrack(this.sending ? this.track : null);
  }

  private connection(): RTCPeerConnection {
    return new RTCPeerConnection({ iceServers: this.options.iceServers, iceTransportPolicy: this.options.iceTransportPolicy });
  }

  private async publish(pc: RTCPeerConnection): Promise<void> {
    const transceiver = pc.addTransceiver('audio', { direction: 'sendonly' });
    this.sender = transceiver.sender;
    this.applyTrack();
    await pc.setLocalDescription();
    await gathered(pc);
    const answer = await this.link.sfuPublish({ type: 'offer', sdp: pc.localDescription!.sdp });
    if (!this.closed) {
      await pc.setRemoteDescription(answer);
    }
  }

  private async listen(pc: RTCPeerConnection): Promise<void> {
    pc.ontrack = ({ track, streams, receiver }) => {
      receiver.jitterBufferTarget = 0;
      this.link.onRemoteStream(this.options.streamId, streams[0] ?? new MediaStream([track]), { floorOnly: true });
    };
    const offer = await this.link.sfuListen();
    if (this.closed) {
      return;
    }
    await pc.setRemoteDescription(offer);
    await pc.setLocalDescription();
    await gathered(pc);
    await this.link.sfuAnswer({ type: 'answer', sdp: pc.localDescription!.sdp });
  }
}

/** Resolves once ICE gathering is complete, or after a timeout with whatever was gathered by then. */
function gathered(pc: RTCPeerConnection): Promise<void> {
  if (pc.iceGatheringState === 'complete') {
    return Promise.resolve();
  }
  return new Promise((resolve) => {
    const done = (): void => {
      clearTimeout(timer);
      pc.removeEventListener('icegatheringstatechange', check);
      resolve();
    };
    const check = (): void => {
      if (pc.iceGatheringState === 'complete') {
        done();
      }
    };
    const timer = setTimeout(done, gatherTimeoutMs);
    pc.addEventListener('icegatheringstatechange', check);
  });
}
