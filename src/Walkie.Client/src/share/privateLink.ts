// Private channels travel as links whose secret part is in the fragment: browsers never send a fragment to a server,
// so neither the channel nor its passcode ends up in request lines, access logs, proxies or a Referer.

/** RFC 4648 base32 in lower case: 32 symbols, so each carries 5 bits; no 0, 1, 8 or 9 to misread. */
const alphabet = 'abcdefghijklmnopqrstuvwxyz234567';

/** Fills the array with random bytes and returns it, as crypto.getRandomValues does. */
export type RandomFill = (bytes: Uint8Array) => Uint8Array;

const secureRandom: RandomFill = (bytes) => crypto.getRandomValues(bytes);

export function randomBase32(length: number, fill: RandomFill = secureRandom): string {
  // 256 is a multiple of 32, so the low 5 bits of a uniform byte are uniform: no bias to correct.
  return Array.from(fill(new Uint8Array(length)), (byte) => alphabet[byte & 31]).join('');
}

export interface PrivateChannel {
  channel: string;
  passcode: string;
}

/**
 * A channel nobody can guess (80 bits) with a passcode nobody can guess (100 bits). The name must be unguessable
 * too: whoever joins a name first decides whether it has a passcode, so a guessable name could be taken as an open
 * channel before its owner arrives. Lower case, because the server lower-cases channel names.
 */
export function newPrivateChannel(fill: RandomFill = secureRandom): PrivateChannel {
  return { channel: `p-${randomBase32(16, fill)}`, passcode: randomBase32(20, fill) };
}

/** `c=<channel>&p=<passcode>`; no `p` when the passcode is not known (a resumed seat needs none). */
export function fragmentFor(channel: string, passcode: string): string {
  const params = new URLSearchParams({ c: channel });
  if (passcode) {
    params.set('p', passcode);
  }
  return params.toString();
}

/**
 * Where a channel lives in the address bar and in a shared link: /c/<channel> for an open channel, whose name is no
 * secret, and /#c=<channel>&p=<passcode> for a private one (passcode null means open).
 */
export function channelAddress(channel: string, passcode: string | null): string {
  return passcode === null ? `/c/${encodeURIComponent(channel)}` : `/#${fragmentFor(channel, passcode)}`;
}

export function shareLink(origin: string, channel: string, passcode: string | null): string {
  return origin + channelAddress(channel, passcode);
}

/** What a `#c=…&p=…` fragment names, or null when it names no channel. */
export function parseFragment(hash: string): PrivateChannel | null {
  const params = new URLSearchParams(hash.replace(/^#/, ''));
  const channel = params.get('c') ?? '';
  return channel ? { channel, passcode: params.get('p') ?? '' } : null;
}
