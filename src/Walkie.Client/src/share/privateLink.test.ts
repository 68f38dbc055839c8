import { describe, expect, it } from 'vitest';
import { channelAddress, fragmentFor, newPrivateChannel, parseFragment, randomBase32, shareLink } from './privateLink';

// The server's rule for channel names.
const channelRule = /^[A-Za-z0-9_-]{1,64}$/;

describe('new private channels', () => {
  it('uses every byte of randomness through the whole alphabet', () => {
    const bytes = (values: number[]) => (target: Uint8Array) => {
      target.set(values.slice(0, target.length));
      return target;
    };
    expect(randomBase32(4, bytes([0, 25, 26, 31]))).toBe('az27');
    // Only the low 5 bits count: 32 and 255 are 0 and 31.
    expect(randomBase32(2, bytes([32, 255]))).toBe('a7');
  });

  it('makes a name the server accepts and a passcode within its limit, 80 and 100 bits', () => {
    const { channel, passcode } = newPrivateChannel();
    expect(channel).toMatch(channelRule);
    expect(channel).toMatch(/^p-[a-z2-7]{16}$/);
    expect(channel).toBe(channel.toLowerCase());
    expect(passcode).toMatch(/^[a-z2-7]{20}$/);
  });

  it('asks crypto.getRandomValues, so two are never the same', () => {
    const made = new Set(Array.from({ length: 200 }, () => newPrivateChannel().channel));
    expect(made.size).toBe(200);
  });
});

describe('links', () => {
  it('puts a private channel and its passcode in the fragment only', () => {
    const link = new URL(shareLink('https://walkie.example', 'p-abc', 'secret'));
    expect(link.pathname).toBe('/');
    expect(link.search).toBe('');
    expect(link.hash).toBe('#c=p-abc&p=secret');
  });

  it('keeps /c/<channel> for an open channel', () => {
    expect(shareLink('https://walkie.example', 'crew', null)).toBe('https://walkie.example/c/crew');
    expect(channelAddress('crew', null)).toBe('/c/crew');
  });

  it('leaves out an unknown passcode rather than writing an empty one', () => {
    expect(channelAddress('vault', '')).toBe('/#c=vault');
    expect(fragmentFor('vault', '')).toBe('c=vault');
  });

  it('reads back any passcode a person may type, reserved characters and all', () => {
    for (const passcode of ['s3cret', 'a&b=c#d', 'two words', 'plus+sign', '%41', 'ünïcödé 🔑']) {
      expect(parseFragment(`#${fragmentFor('vault', passcode)}`)).toEqual({ channel: 'vault', passcode });
    }
  });

  it('reads a fragment with or without its #, and nothing from one that names no channel', () => {
    expect(parseFragment('#c=ops&p=x')).toEqual({ channel: 'ops', passcode: 'x' });
    expect(parseFragment('c=ops')).toEqual({ channel: 'ops', passcode: '' });
    expect(parseFragment('')).toBeNull();
    expect(parseFragment('#')).toBeNull();
    expect(parseFragment('#p=only-a-passcode')).toBeNull();
    expect(parseFragment('#section-2')).toBeNull();
  });
});
