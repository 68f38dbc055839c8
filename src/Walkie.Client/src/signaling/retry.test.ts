import { describe, expect, it } from 'vitest';
import { giveUpAfterMs, nextRetryDelayMs } from './retry';

const low = () => 0;
const high = () => 0.999;

describe('reconnect delays', () => {
  it('tries at once, spread over a quarter second', () => {
    expect(nextRetryDelayMs(0, 0, low)).toBe(0);
    expect(nextRetryDelayMs(0, 0, high)).toBeLessThanOrEqual(250);
  });

  it('stays about a second apart for the first half minute, so a restarted server is found within about 1.25 s', () => {
    for (let attempt = 1; attempt < 40; attempt++) {
      expect(nextRetryDelayMs(attempt, attempt * 700, high)).toBeLessThanOrEqual(1250);
    }
    expect(nextRetryDelayMs(1, 100, low)).toBe(188);
    expect(nextRetryDelayMs(5, 5000, low)).toBe(750);
  });

  it('spreads clients apart with jitter', () => {
    expect(nextRetryDelayMs(5, 5000, low)).not.toBe(nextRetryDelayMs(5, 5000, high));
  });

  it('slows down later and gives up after two minutes', () => {
    expect(nextRetryDelayMs(50, 45_000, low)).toBe(1500);
    expect(nextRetryDelayMs(50, 90_000, low)).toBe(3750);
    expect(nextRetryDelayMs(50, giveUpAfterMs + 1)).toBeNull();
  });
});
