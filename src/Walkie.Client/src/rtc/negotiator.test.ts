import { describe, expect, it } from 'vitest';
import { Negotiator, type PeerConnectionLike } from './negotiator';
import type { MediaSignal } from './mediaSession';

/** Just enough of the JSEP state machine to tell stable from have-local-offer. */
class FakePeerConnection implements PeerConnectionLike {
  signalingState: RTCSignalingState = 'stable';
  localDescription: RTCSessionDescription | null = null;
  remote: RTCSessionDescriptionInit[] = [];
  candidates: RTCIceCandidateInit[] = [];

  async setLocalDescription(): Promise<void> {
    const type = this.signalingState === 'have-remote-offer' ? 'answer' : 'offer';
    this.localDescription = { type, sdp: `${type}-sdp` } as RTCSessionDescription;
    this.signalingState = type === 'offer' ? 'have-local-offer' : 'stable';
  }

  async setRemoteDescription(d: RTCSessionDescriptionInit): Promise<void> {
    this.remote.push(d);
    // An offer over our own offer is an implicit rollback, as in browsers.
    this.signalingState = d.type === 'offer' ? 'have-remote-offer' : 'stable';
  }

  async addIceCandidate(c: RTCIceCandidateInit): Promise<void> {
    if (this.signalingState !== 'stable' && this.remote.length === 0) {
      throw new Error('no remote description');
    }
    this.candidates.push(c);
  }
}

function setup(polite: boolean) {
  const pc = new FakePeerConnection();
  const sent: MediaSignal[] = [];
  const errors: unknown[] = [];
  let answered = 0;
  const negotiator = new Negotiator(pc, polite, (p) => sent.push(p), () => answered++, (e) => errors.push(e));
  return { pc, sent, errors, negotiator, answered: () => answered };
}

describe('Negotiator', () => {
  it('sends an offer when negotiation is needed', async () => {
    const { sent, negotiator } = setup(true);
    await negotiator.negotiationNeeded();
    expect(sent).toEqual([{ description: { type: 'offer', sdp: 'offer-sdp' } }]);
  });

  it('answers an offer, attaching tracks first', async () => {
    const { sent, negotiator, answered } = setup(false);
    await negotiator.receive({ description: { type: 'offer', sdp: 'remote' } });
    expect(answered()).toBe(1);
    expect(sent).toEqual([{ description: { type: 'answer', sdp: 'answer-sdp' } }]);
  });

  it('the impolite side ignores a colliding offer and its candidates', async () => {
    const { pc, sent, errors, negotiator } = setup(false);
    await negotiator.negotiationNeeded();
    await negotiator.receive({ description: { type: 'offer', sdp: 'theirs' } });
    await negotiator.receive({ candidate: { candidate: 'candidate:1' } });
    expect(pc.remote).toEqual([]);
    expect(pc.signalingState).toBe('have-local-offer');
    expect(sent).toHaveLength(1);
    expect(errors).toEqual([]);
  });

  it('the polite side gives way to a colliding offer and answers it', async () => {
    const { pc, sent, negotiator } = setup(true);
    await negotiator.negotiationNeeded();
    await negotiator.receive({ description: { type: 'offer', sdp: 'theirs' } });
    expect(pc.remote).toEqual([{ type: 'offer', sdp: 'theirs' }]);
    expect(sent.at(-1)).toEqual({ description: { type: 'answer', sdp: 'answer-sdp' } });
  });

  it('handles signals strictly in arrival order', async () => {
    const { pc, negotiator } = setup(true);
    await negotiator.negotiationNeeded();
    const answer = negotiator.receive({ description: { type: 'answer', sdp: 'a' } });
    const candidate = negotiator.receive({ candidate: { candidate: 'candidate:2' } });
    await Promise.all([answer, candidate]);
    expect(pc.signalingState).toBe('stable');
    expect(pc.candidates).toEqual([{ candidate: 'candidate:2' }]);
  });
});
