import { afterEach, describe, expect, it, vi } from 'vitest';
import { renamedNotice, TransientNotice } from './notices';

describe('transient notices', () => {
  afterEach(() => vi.useRealTimers());

  it('clear themselves, and a newer one gets its full time', () => {
    vi.useFakeTimers();
    const shown: (string | null)[] = [];
    const notice = new TransientNotice((t) => shown.push(t));
    notice.say('Link copied', 4000);
    vi.advanceTimersByTime(3000);
    notice.say('Again', 4000);
    vi.advanceTimersByTime(3000);
    expect(shown).toEqual(['Link copied', 'Again']);
    vi.advanceTimersByTime(1000);
    expect(shown).toEqual(['Link copied', 'Again', null]);
  });
});

describe('a renamed join', () => {
  it('tells the user when the server numbered their name', () => {
    expect(renamedNotice(' ann ', 'ann 2')).toBe('Someone here is already called ann, so you are ann 2.');
    expect(renamedNotice('Wolfeschlegelsteinhausenbergerdo', 'Wolfeschlegelsteinhausenberger 2')).toMatch(/so you are Wolfeschlegelsteinhausenberger 2\.$/);
  });

  it('says nothing when the name came through as asked', () => {
    expect(renamedNotice('ann', 'ann')).toBeNull();
    expect(renamedNotice('room 101', 'room 101')).toBeNull();
  });
});
