import { describe as suite, expect, it } from 'vitest';
import { describe, offlineReason } from './view';

suite('push-to-talk captions', () => {
  it('counts down only in the last ten seconds', () => {
    expect(describe({ phase: 'talking', until: 30_000 }, 0)).toBe('On air: you are talking');
    expect(describe({ phase: 'talking', until: 30_000 }, 21_000)).toBe('On air: 9 s left');
    expect(describe({ phase: 'talking', until: null }, 0)).toBe('On air: you are talking');
  });

  it('says where you are in line and who is busy', () => {
    expect(describe({ phase: 'queued', position: 1 }, 0)).toBe('Waiting: you are next');
    expect(describe({ phase: 'queued', position: 3 }, 0)).toBe('Waiting: number 3 in line');
    expect(describe({ phase: 'denied', holder: 'Bob' }, 0)).toBe('Busy: Bob is talking');
    expect(describe({ phase: 'denied', holder: null }, 0)).toBe('Wait: your turn just ran out, others go first');
  });

  it('leaves out the Space bar on touch screens', () => {
    expect(describe({ phase: 'idle' }, 0, true)).toBe('Hold the button to talk');
  });

  it('says why talking is off while there is no server', () => {
    expect(offlineReason('reconnecting')).toBe('Talking is paused while Walkie reconnects');
    expect(offlineReason('gone')).toBe('Talking is off: Walkie lost the server');
  });
});
