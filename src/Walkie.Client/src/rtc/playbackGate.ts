/**
 * Who may be heard: only the participant the server says holds the floor. Everyone else's remote audio is muted at
 * this receiver, so a client that keeps sending without the floor (a bug, or on purpose) is never heard over the
 * holder. The gate follows floor events and peers coming and going; it never touches the network.
 */
export class PlaybackGate {
  private readonly peers = new Set<string>();
  private holder: string | null = null;

  constructor(private readonly setAudible: (peerId: string, audible: boolean) => void) {}

  /** A remote stream appeared for this peer: audible only if they hold the floor right now. */
  peerAdded(peerId: string): void {
    this.peers.add(peerId);
    this.setAudible(peerId, peerId === this.holder);
  }

  peerRemoved(peerId: string): void {
    this.peers.delete(peerId);
  }

  /** Every floor change: a hand-over unmutes the new holder and mutes the old one in the same step. */
  floor(holderId: string | null): void {
    if (holderId === this.holder) {
      return;
    }
    const previous = this.holder;
    this.holder = holderId;
    if (previous !== null && this.peers.has(previous)) {
      this.setAudible(previous, false);
    }
    if (holderId !== null && this.peers.has(holderId)) {
      this.setAudible(holderId, true);
    }
  }
}
