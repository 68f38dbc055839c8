import { describe, expect, it } from 'vitest';
import { ptt, type PttEvent, type PttState } from './ptt';

const holder = { id: 'p-b', name: 'Bob' };
const answer = (outcome: 'granted' | 'queued' | 'denied'): PttEvent => ({
  type: 'answer',
  now: 1000,
  limitMs: 30000,
  result: outcome === 'granted' ? { outcome } : outcome === 'queued' ? { outcome, position: 2, holder } : { outcome, holder },
});

function run(events: PttEvent[], from: PttState = { phase: 'idle' }) {
  let state = from;
  const effects: string[] = [];
  for (const e of events) {
    const t = ptt(state, e);
    state = t.state;
    effects.push(...t.effects);
  }
  return { state, effects };
}

describe('push to talk', () => {
  it('press, grant, release: sends only while granted', () => {
    expect(run([{ type: 'press' }])).toEqual({ state: { phase: 'requesting' }, effects: ['request'] });
    expect(run([{ type: 'press' }, answer('granted')])).toEqual({
      state: { phase: 'talking', until: 31000 },
      effects: ['request', 'start-sending', 'permit-tone'],
    });
    expect(run([{ type: 'press' }, answer('granted'), { type: 'release' }]).effects).toEqual([
      'request', 'start-sending', 'permit-tone', 'stop-sending', 'release',
    ]);
  });

  it('has no countdown without a transmit limit', () => {
    const { state } = run([{ type: 'press' }, { ...answer('granted'), limitMs: 0 } as PttEvent]);
    expect(state).toEqual({ phase: 'talking', until: null });
  });

  it('waits in the queue while held and talks when granted', () => {
    const queued = run([{ type: 'press' }, answer('queued'), { type: 'queue-position', position: 1 }]);
    expect(queued.state).toEqual({ phase: 'queued', position: 1 });
    const granted = run([{ type: 'granted', now: 5000, limitMs: 3000 }], queued.state);
    expect(granted).toEqual({ state: { phase: 'talking', until: 8000 }, effects: ['start-sending', 'permit-tone'] });
  });

  it('takes a grant that overtakes the queued answer', () => {
    const { state, effects } = run([{ type: 'press' }, { type: 'granted', now: 1, limitMs: 0 }, answer('queued')]);
    expect(state.phase).toBe('talking');
    expect(effects).toEqual(['request', 'start-sending', 'permit-tone']);
  });

  it('leaves the queue on release', () => {
    expect(run([{ type: 'press' }, answer('queued'), { type: 'release' }])).toEqual({ state: { phase: 'idle' }, effects: ['request', 'release'] });
  });

  it('plays busy when denied and resets on release', () => {
    const denied = run([{ type: 'press' }, answer('denied')]);
    expect(denied).toEqual({ state: { phase: 'denied', holder: 'Bob' }, effects: ['request', 'busy-tone'] });
    expect(run([{ type: 'release' }], denied.state).state).toEqual({ phase: 'idle' });
  });

  it('is denied with nobody holding right after the time limit cut us off', () => {
    const rekey: PttEvent = { type: 'answer', now: 1000, limitMs: 30000, result: { outcome: 'denied', retryAfterMs: 1500 } };
    expect(run([{ type: 'press' }, rekey])).toEqual({ state: { phase: 'denied', holder: null }, effects: ['request', 'busy-tone'] });
  });

  it('gives the floor back if released before the answer', () => {
    expect(run([{ type: 'press' }, { type: 'release' }, answer('granted')])).toEqual({ state: { phase: 'idle' }, effects: ['request', 'release'] });
    expect(run([{ type: 'press' }, { type: 'release' }, answer('denied')]).effects).toEqual(['request']);
    expect(run([{ type: 'release' }, { type: 'granted', now: 0, limitMs: 0 }]).effects).toEqual(['release']);
  });

  it('stops sending when revoked, and stays revoked until released', () => {
    const revoked = run([{ type: 'press' }, answer('granted'), { type: 'revoked', reason: 'time-limit' }]);
    expect(revoked.state).toEqual({ phase: 'revoked', reason: 'time-limit' });
    expect(revoked.effects.slice(-2)).toEqual(['stop-sending', 'busy-tone']);
    expect(run([{ type: 'press' }], revoked.state).effects).toEqual([]);
    expect(run([{ type: 'release' }], revoked.state).state).toEqual({ phase: 'idle' });
  });

  it('stops sending when the floor is lost or the connection drops', () => {
    const talking: PttState = { phase: 'talking', until: null };
    expect(run([{ type: 'lost' }], talking).effects).toEqual(['stop-sending']);
    expect(run([{ type: 'disconnected' }], talking)).toEqual({ state: { phase: 'idle' }, effects: ['stop-sending'] });
  });

  it('cannot talk without a microphone', () => {
    const listening = run([{ type: 'mic', available: false }]);
    expect(listening.state).toEqual({ phase: 'listen-only' });
    expect(run([{ type: 'press' }], listening.state).effects).toEqual([]);
    expect(run([{ type: 'mic', available: true }], listening.state).state).toEqual({ phase: 'idle' });
  });

  describe('latched (tap to start, tap to stop)', () => {
    const toggle: PttEvent = { type: 'toggle' };

    it('starts on one tap and stops on the next, with the same effects as a hold', () => {
      expect(run([toggle, answer('granted'), toggle])).toEqual({
        state: { phase: 'idle' },
        effects: ['request', 'start-sending', 'permit-tone', 'stop-sending', 'release'],
      });
    });

    it('a second tap before the answer gives the floor straight back', () => {
      expect(run([toggle, toggle, answer('granted')])).toEqual({ state: { phase: 'idle' }, effects: ['request', 'release'] });
      expect(run([toggle, toggle, toggle]).state).toEqual({ phase: 'requesting' });
    });

    it('a tap while waiting leaves the line', () => {
      expect(run([toggle, answer('queued'), toggle])).toEqual({ state: { phase: 'idle' }, effects: ['request', 'release'] });
    });

    it('after a refusal or a cut-off, a tap asks again', () => {
      expect(run([toggle, answer('denied'), toggle])).toEqual({ state: { phase: 'requesting' }, effects: ['request', 'busy-tone', 'request'] });
      const cut = run([toggle, answer('granted'), { type: 'revoked', reason: 'time-limit' }]);
      expect(cut.state).toEqual({ phase: 'revoked', reason: 'time-limit' });
      expect(run([toggle], cut.state)).toEqual({ state: { phase: 'requesting' }, effects: ['request'] });
    });

    it('does nothing without a microphone', () => {
      expect(run([toggle], { phase: 'listen-only' })).toEqual({ state: { phase: 'listen-only' }, effects: [] });
    });
  });
});
