import { describe, expect, it } from 'vitest';
import { HubError, normalizeName, validateJoin } from './protocol';

describe('HubError.from', () => {
  it('reads the code after SignalR\'s prefix', () => {
    const e = HubError.from(new Error("An unexpected error occurred invoking 'Join' on the server. HubException: channel-full: this channel already has 16 participants"));
    expect(e.code).toBe('channel-full');
    expect(e.message).toBe('this channel already has 16 participants');
  });

  it('calls anything else a connection error', () => {
    expect(HubError.from(new Error('WebSocket closed')).code).toBe('connection');
  });
});

describe('validateJoin', () => {
  it('accepts what the server accepts', () => {
    expect(validateJoin('Ops_Team-2', '  Zoë 🎧 ')).toEqual({});
  });

  it('refuses bad channels and names before anything is sent', () => {
    expect(validateJoin('has space', 'Ann').channel).toBeDefined();
    expect(validateJoin('x'.repeat(65), 'Ann').channel).toBeDefined();
    expect(validateJoin('abc\n', 'Ann').channel).toBeDefined();
    expect(validateJoin('\nabc', 'Ann').channel).toBeDefined();
    expect(validateJoin('ok', '   ').name).toBe('Use 1–32 characters.');
    expect(validateJoin('ok', 'n'.repeat(33)).name).toBe('Use 1–32 characters.');
    expect(validateJoin('ok', 'bell\u0007').name).toBe('Use printable characters only.');
    expect(validateJoin('ok', '\u3164').name).toBe('Use at least one visible character.');
  });

  it('never echoes the name in a message', () => {
    for (const name of ['Ann\u202Eevil', 'evil\u3164x', 'evil' + 'x'.repeat(40)]) {
      expect(validateJoin('ok', name).name).not.toContain('evil');
    }
  });
});

// The same vectors as ChannelInputTests.cs on the server, which applies the same rule.
describe('normalizeName', () => {
  const family = '👨‍👩‍👧‍👦';
  const thumb = '👍🏽';
  const problem = (raw: string) => {
    const checked = normalizeName(raw);
    return 'problem' in checked ? checked.problem : null;
  };

  it.each([
    ['  Ann  ', 'Ann'],
    ['Zoë 🎧', 'Zoë 🎧'],
    ['Ann\u200B', 'Ann'],
    ['Ann\u3164', 'Ann'],
    ['Ann\u200D', 'Ann'],
    ['\uFEFFAnn\u2060', 'Ann'],
    ['\u3000\u034FAnn\u2800', 'Ann'],
    ['\uFE0FAnn \uFE0F', 'Ann'],
    ['Ann\u{E0041}\u{E007F}', 'Ann'],
    ['Ann \u00A0\u3000 Lee', 'Ann Lee'],
    ['12345678901234567890123456789012', '12345678901234567890123456789012'],
  ])('trims invisible edges and collapses inner spaces: %j', (raw, expected) => {
    expect(normalizeName(raw)).toEqual({ name: expected });
  });

  it('treats decomposed and precomposed spellings as one name', () => {
    expect(normalizeName('Jose\u0301')).toEqual({ name: 'Jos\u00E9' });
    expect(normalizeName('Jose\u0301')).toEqual(normalizeName('Jos\u00E9'));
  });

  it.each([family, '👩‍👩‍👧', thumb, '❤️', 'Ann ❤️', 'می\u200Cخواهم', 'क्\u200Dष', 'ക്\u200Cഷ'])(
    'keeps joiners, emoji and selectors that shape a visible name: %j',
    (raw) => expect(normalizeName(raw)).toEqual({ name: raw }),
  );

  it.each(['\u3164', '\u2800\u2800', '\u034F', '\u200B', '\u200D\u200C', '\uFE0F', '\u115F\u1160\uFFA0', '\u180E\u2061\u2064', '\uFEFF \u3164'])(
    'refuses invisible-only names: %j',
    (raw) => expect(problem(raw)).toBe('invisible'),
  );

  it.each([
    ['   ', 'length'],
    [' \u3000 ', 'length'],
    ['bell\u0007', 'unprintable'],
    ['tab\there', 'unprintable'],
    ['Ann\nLee', 'unprintable'],
    ['Ann\u2028Lee', 'unprintable'],
    ['rtl\u202Eoverride', 'unprintable'],
    ['Ann\u202Eevil', 'unprintable'],
    ['Ann\u2066isolate\u2069', 'unprintable'],
    ['An\u200Bn', 'unprintable'],
    ['An\u{E0041}n', 'unprintable'],
    ['Ann\uE000', 'unprintable'],
    ['Ann\uFFFD', 'unprintable'],
    ['Ann\u0378', 'unprintable'],
    ['Ann\u3164Lee', 'unprintable'],
    ['Ann\u2800Lee', 'unprintable'],
    ['Ann\uD800', 'unprintable'],
    ['\uDC00Ann', 'unprintable'],
    ['123456789012345678901234567890123', 'length'],
  ])('refuses unprintable or overlong names: %j', (raw, expected) => {
    expect(problem(raw)).toBe(expected);
  });

  it('counts graphemes within a UTF-16 budget', () => {
    expect(problem(family + 'x'.repeat(31))).toBeNull();
    expect(problem(family + 'x'.repeat(32))).toBe('length');
    expect(problem(thumb.repeat(32))).toBeNull();
    expect(problem(thumb.repeat(33))).toBe('length');
    // 11 families are 121 UTF-16 units, 12 are 132: the unit budget, not the grapheme count, refuses them.
    expect(problem(family.repeat(11))).toBeNull();
    expect(problem(family.repeat(12))).toBe('length');
    expect(problem('e' + '\u0301'.repeat(200))).toBe('length');
  });
});
