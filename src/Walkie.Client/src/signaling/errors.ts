import { HubError } from './protocol';

/**
 * What to tell a person about a refusal. Every code the server documents has its own sentence; an unknown one
 * falls back to the server's own words, which are written for people too.
 */
export function errorSentence(error: HubError): string {
  switch (error.code) {
    case 'connection':
      return 'Cannot reach the Walkie server. Check your connection and try again.';
    case 'channel-full':
      return 'This channel is full. Try again when someone leaves, or pick another channel.';
    case 'passcode-required':
      return 'This channel is private: enter its passcode to join.';
    case 'wrong-passcode':
      return 'That passcode is not right for this channel.';
    case 'invalid-passcode':
      return 'A passcode is at most 128 characters.';
    case 'channel-open':
      return 'This channel has no passcode, so anyone who knows its name can listen. Join without a passcode, or pick another name for a private channel.';
    case 'server-full':
      return 'This Walkie server is full right now. Try again in a few minutes.';
    case 'channel-limit':
      return 'Too many channels were started from your network. Join an existing channel, or close some first.';
    case 'rate-limited': {
      const seconds = retryAfterSeconds(error.message);
      return seconds === null ? 'Slow down: too many attempts. Try again in a moment.' : `Slow down: too many attempts. Try again in ${seconds} s.`;
    }
    case 'invalid-channel':
      return 'A channel name is 1–64 letters, digits, - or _.';
    case 'invalid-name':
      return 'Pick another name: 1–32 visible characters.';
    case 'not-joined':
      return 'You are no longer in this channel. Join it again.';
    case 'internal-error':
      return 'Something went wrong on the server. Try again.';
    case 'sfu-unavailable':
      return 'The audio server for this channel is not reachable right now. Try again in a few minutes.';
    case 'channel-unavailable':
      return 'This channel is moving to another server after one went down. Try again in a moment.';
    default:
      return error.message;
  }
}

/** Refusals about the passcode prompt on the passcode field, where the answer is typed; the rest go under the form. */
export function joinErrorField(error: HubError): 'passcode' | 'join' {
  return ['passcode-required', 'wrong-passcode', 'invalid-passcode'].includes(error.code) ? 'passcode' : 'join';
}

/** Rate-limit refusals end "(retry in N ms)" (docs/PROTOCOL.md). */
export function retryAfterSeconds(message: string): number | null {
  const match = /\(retry in (\d+) ms\)$/.exec(message);
  return match ? Math.max(1, Math.ceil(Number(match[1]) / 1000)) : null;
}
