import { describe, expect, it } from 'vitest';
import { errorSentence, joinErrorField, retryAfterSeconds } from './errors';
import { HubError } from './protocol';

const sentence = (code: string, message = 'server words') => errorSentence(new HubError(code, message));

describe('error sentences', () => {
  it.each([
    ['connection', /Cannot reach the Walkie server/],
    ['channel-full', /This channel is full/],
    ['passcode-required', /private: enter its passcode/],
    ['wrong-passcode', /That passcode is not right/],
    ['invalid-passcode', /at most 128 characters/],
    ['channel-open', /has no passcode, so anyone/],
    ['server-full', /server is full/],
    ['channel-limit', /Too many channels were started from your network/],
    ['rate-limited', /Slow down/],
    ['invalid-channel', /1–64 letters/],
    ['invalid-name', /1–32 visible characters/],
    ['not-joined', /no longer in this channel/],
    ['internal-error', /went wrong on the server/],
    ['sfu-unavailable', /audio server for this channel is not reachable/],
    ['channel-unavailable', /moving to another server/],
  ])('%s has its own sentence', (code, expected) => {
    expect(sentence(code)).toMatch(expected);
    expect(sentence(code)).not.toBe('server words');
  });

  it('gives every code a different sentence', () => {
    const codes = ['connection', 'channel-full', 'passcode-required', 'wrong-passcode', 'server-full', 'rate-limited', 'channel-open', 'channel-limit'];
    expect(new Set(codes.map((c) => sentence(c))).size).toBe(codes.length);
  });

  it('says how long to wait when rate-limited', () => {
    expect(sentence('rate-limited', 'too many Join calls from your connection (retry in 2300 ms)')).toBe('Slow down: too many attempts. Try again in 3 s.');
    expect(retryAfterSeconds('too many wrong passcodes for this channel (retry in 15 ms)')).toBe(1);
    expect(retryAfterSeconds('no hint')).toBeNull();
  });

  it('falls back to the server words for a code it does not know', () => {
    expect(sentence('future-code', 'a new refusal')).toBe('a new refusal');
  });

  it('reads the code once from the wire text and keeps it when given a HubError again', () => {
    const wire = new Error("An unexpected error occurred invoking 'Join' on the server. HubException: channel-full: this channel already has 16 participants");
    const once = HubError.from(wire);
    expect(once.code).toBe('channel-full');
    expect(HubError.from(once)).toBe(once);
  });
});

describe('where a refused join is told', () => {
  it('asks for the passcode on its field', () => {
    for (const code of ['passcode-required', 'wrong-passcode', 'invalid-passcode']) {
      expect(joinErrorField(new HubError(code, ''))).toBe('passcode');
    }
  });

  it('tells everything else under the form, the passcode lockout too', () => {
    for (const code of ['channel-full', 'channel-open', 'rate-limited', 'connection', 'something-new']) {
      expect(joinErrorField(new HubError(code, ''))).toBe('join');
    }
  });
});
