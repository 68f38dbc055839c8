/**
 * What media sessions exchange through the signaling relay: WebRTC's own shapes, so rtc/ needs nothing from
 * signaling/. A candidate from the browser always carries its candidate line, which the wire requires.
 */
export interface MediaSignal {
  description?: RTCSessionDescriptionInit;
  candidate?: RTCIceCandidateInit & { candidate: string };
}

export interface IceConfig {
  iceServers: RTCIceServer[];
  iceTransportPolicy: RTCIceTransportPolicy;
}

/** How a media session reaches the others and reports what it hears; the channel session wires it up. */
export interface MediaLink {
  send(to: string, signal: MediaSignal): void;
  /** TURN credentials expire; an ICE restart asks for fresh ones first. */
  refreshIceServers(): Promise<IceConfig>;
  /**
   * A stream to play. `floorOnly` says it carries nothing but the floor holder, chosen by the server (an SFU's one
   * stream): play it as it comes, without muting it for whoever is not the holder.
   */
  onRemoteStream(peerId: string, stream: MediaStream, options?: { floorOnly?: boolean }): void;
  /** Whatever stream came from this peer is gone. */
  onPeerGone(peerId: string): void;
  /** Only for SFU channels, where the server's media server is the one peer: our offer to publish, its answer. */
  sfuPublish(offer: RTCSessionDescriptionInit): Promise<RTCSessionDescriptionInit>;
  /** Only for SFU channels: the media server's offer of the floor holder's audio. */
  sfuListen(): Promise<RTCSessionDescriptionInit>;
  sfuAnswer(answer: RTCSessionDescriptionInit): Promise<void>;
}

/**
 * The audio of one joined channel, whatever its topology. The channel session only says what happened in the
 * channel; each implementation decides what that means for its connections (a mesh opens one per member, a
 * forwarding server would need only its own two), so the channel session never branches on topology.
 */
export interface MediaSession {
  /** Our microphone, or null for a listener. It goes out only while sending. */
  setTrack(track: MediaStreamTrack | null): void;
  /** On while we hold the floor. */
  setSending(on: boolean): void;
  /** The others reachable right now, as a join or re-join found them; away members are not among them. */
  present(memberIds: readonly string[]): void;
  /** A member arrived, or came back on a new connection: whatever we had with their old one is dead. */
  arrived(memberId: string): void;
  /** A member's connection dropped; they keep their seat for a while and may come back. */
  away(memberId: string): void;
  left(memberId: string): void;
  /** Who the server lets talk; a topology that forwards only the holder needs to know whose audio it gets. */
  floor(holderId: string | null): void;
  receive(from: string, signal: MediaSignal): void;
  closeAll(): void;
}
