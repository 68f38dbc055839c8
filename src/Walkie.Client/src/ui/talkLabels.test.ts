import { describe, expect, it } from 'vitest';
import type { PttState } from '../floor/ptt';
import { announcement, talkButtonText } from './talkLabels';

const connected = (ptt: PttState) => ({ ptt, connection: 'connected' as const, secure: true });
const label = (ptt: PttState, mode: 'hold' | 'latch' = 'hold', now = 0) => talkButtonText(connected(ptt), mode, now).label;

describe('the talk button names its state', () => {
  it('in hold mode', () => {
    expect(label({ phase: 'idle' })).toBe('Push to talk');
    expect(label({ phase: 'talking', until: 30_000 })).toBe('Talking: release to stop');
    expect(label({ phase: 'queued', position: 2 })).toBe('Waiting: you are #2');
    expect(label({ phase: 'denied', holder: 'Ann' })).toBe('Busy');
    expect(label({ phase: 'revoked', reason: 'time-limit' })).toBe('Time is up: release');
    expect(label({ phase: 'listen-only' })).toBe('Listen only');
  });

  it('in latched mode, where there is nothing to release', () => {
    expect(label({ phase: 'talking', until: null }, 'latch')).toBe('Talking: tap to stop');
    expect(label({ phase: 'revoked', reason: 'time-limit' }, 'latch')).toBe('Time is up');
    expect(talkButtonText(connected({ phase: 'denied', holder: 'Ann' }), 'latch', 0).caption).toBe('Ann has the channel. Tap to try again.');
  });

  it('counts down only in the last ten seconds', () => {
    const talking: PttState = { phase: 'talking', until: 30_000 };
    expect(talkButtonText(connected(talking), 'hold', 0).caption).toBe('You are on air');
    expect(talkButtonText(connected(talking), 'hold', 21_000).caption).toBe('9 s left');
  });

  it('marks refusals and cut-offs as alerts', () => {
    expect(talkButtonText(connected({ phase: 'denied', holder: null }), 'hold', 0)).toEqual({
      label: 'Busy', caption: 'Your turn just ended: others go first', alert: true,
    });
    expect(talkButtonText(connected({ phase: 'revoked', reason: 'lost' }), 'hold', 0).alert).toBe(true);
    expect(talkButtonText(connected({ phase: 'queued', position: 1 }), 'hold', 0).alert).toBe(false);
  });

  it('leaves out the Space bar on touch screens and says why talking is off without a server', () => {
    expect(talkButtonText(connected({ phase: 'idle' }), 'hold', 0, true).caption).toBe('Hold the button to talk');
    expect(talkButtonText({ ptt: { phase: 'idle' }, connection: 'reconnecting', secure: true }, 'hold', 0).caption)
      .toBe('Talking is paused while Walkie reconnects');
    expect(talkButtonText({ ptt: { phase: 'listen-only' }, connection: 'connected', secure: false }, 'hold', 0).caption)
      .toBe('The microphone needs HTTPS: you can listen');
  });
});

describe('the spoken announcement', () => {
  const base = { connection: 'connected' as const };

  it('does not change with every second of a transmission, only once near the end', () => {
    const talking = (now: number) => announcement({ ...base, ptt: { phase: 'talking', until: 30_000 } }, now);
    const heard = new Set([0, 5_000, 10_000, 19_000, 20_500, 25_000, 29_900].map(talking));
    expect([...heard]).toEqual(['', '10 seconds left']);
  });

  it('says the queue place, refusals and cut-offs, and nothing while idle or offline', () => {
    expect(announcement({ ...base, ptt: { phase: 'idle' } }, 0)).toBe('');
    expect(announcement({ ...base, ptt: { phase: 'queued', position: 2 } }, 0)).toBe('In line for the channel, number 2');
    expect(announcement({ ...base, ptt: { phase: 'denied', holder: 'Ann' } }, 0)).toBe('Refused: Ann has the channel');
    expect(announcement({ ...base, ptt: { phase: 'revoked', reason: 'time-limit' } }, 0)).toBe('Your turn was cut off at the time limit');
    expect(announcement({ connection: 'reconnecting', ptt: { phase: 'queued', position: 2 } }, 0)).toBe('');
  });
});
