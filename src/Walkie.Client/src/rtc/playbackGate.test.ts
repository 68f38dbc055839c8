import { describe, expect, it } from 'vitest';
import { PlaybackGate } from './playbackGate';

function gate() {
  const audible = new Map<string, boolean>();
  const calls: string[] = [];
  const g = new PlaybackGate((peer, on) => {
    audible.set(peer, on);
    calls.push(`${peer}:${on ? 'on' : 'off'}`);
  });
  return { g, audible, calls };
}

describe('floor-gated playback', () => {
  it('keeps every peer muted while nobody holds the floor', () => {
    const { g, audible } = gate();
    g.peerAdded('a');
    g.peerAdded('b');
    g.floor(null);
    expect([...audible.values()]).toEqual([false, false]);
  });

  it('makes only the holder audible', () => {
    const { g, audible } = gate();
    g.peerAdded('a');
    g.peerAdded('b');
    g.floor('a');
    expect(audible.get('a')).toBe(true);
    expect(audible.get('b')).toBe(false);
  });

  it('switches at a hand-over in one step, old holder off before the new one on', () => {
    const { g, audible, calls } = gate();
    g.peerAdded('a');
    g.peerAdded('b');
    g.floor('a');
    calls.length = 0;
    g.floor('b');
    expect(calls).toEqual(['a:off', 'b:on']);
    expect(audible.get('a')).toBe(false);
  });

  it('mutes the holder when the floor is revoked or released', () => {
    const { g, audible } = gate();
    g.peerAdded('a');
    g.floor('a');
    g.floor(null);
    expect(audible.get('a')).toBe(false);
  });

  it('gives a late stream the state of the floor: audible when it belongs to the holder', () => {
    const { g, audible } = gate();
    g.floor('late');
    g.peerAdded('late');
    g.peerAdded('other');
    expect(audible.get('late')).toBe(true);
    expect(audible.get('other')).toBe(false);
  });

  it('leaves alone peers that are gone, and our own id as holder mutes everyone', () => {
    const { g, audible, calls } = gate();
    g.peerAdded('a');
    g.floor('a');
    g.peerRemoved('a');
    calls.length = 0;
    g.floor('self');
    expect(calls).toEqual([]);
    expect(audible.get('a')).toBe(true);
  });

  it('does nothing when the floor event repeats the same holder', () => {
    const { g, calls } = gate();
    g.peerAdded('a');
    g.floor('a');
    calls.length = 0;
    g.floor('a');
    expect(calls).toEqual([]);
  });
});
