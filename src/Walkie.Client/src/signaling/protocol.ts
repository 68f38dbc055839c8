// The wire contract of /hubs/channel; docs/PROTOCOL.md is the source of truth.

export interface ParticipantInfo {
  id: string;
  name: string;
}

export interface FloorInfo {
  holder: ParticipantInfo | null;
  queue: ParticipantInfo[];
  since?: number;
  expiresAt?: number;
  /** The channel's event count at this floor change: a floor with a lower seq than one already shown is stale. */
  seq?: number;
}

export interface SessionDescription {
  type: 'offer' | 'answer' | 'pranswer' | 'rollback';
  sdp?: string;
}

export interface IceCandidate {
  candidate: string;
  sdpMid?: string | null;
  sdpMLineIndex?: number | null;
  usernameFragment?: string | null;
}

export interface SignalPayload {
  description?: SessionDescription;
  candidate?: IceCandidate;
}

export interface JoinRequest {
  channel: string;
  name: string;
  passcode?: string;
  /** The resumeToken of an earlier Join: come back as the same participant if the seat still exists. */
  resume?: string;
}

export interface JoinResult {
  self: ParticipantInfo;
  channel: string;
  /** Whether the channel has a passcode; an open one is open to anyone who knows its name. */
  private: boolean;
  participants: ParticipantInfo[];
  /** Ids of participants whose connection dropped; they may come back within limits.resumeGraceMs. */
  away: string[];
  floor: FloorInfo;
  iceServers: RTCIceServer[];
  iceTransportPolicy: RTCIceTransportPolicy;
  limits: {
    maxParticipants: number;
    transmitLimitMs: number;
    floorQueue: boolean;
    keepAliveIntervalMs: number;
    clientTimeoutMs: number;
    resumeGraceMs: number;
  };
  negotiation: string;
  resumeToken: string;
  /** True when this join took back an earlier seat: same id, same name, same place in the queue. */
  resumed: boolean;
  /** How the channel's audio travels: peer to peer ("mesh"), or through the server's media server ("sfu"). */
  media: { topology: 'mesh' | 'sfu' };
  /** The channel's event count when this snapshot was taken: events up to it are already in the snapshot. */
  seq: number;
}

/** An offer or answer exchanged with the server's media server in an SFU channel. */
export interface SfuDescription {
  type: 'offer' | 'answer';
  sdp: string;
}

export interface IceServersResult {
  iceServers: RTCIceServer[];
  iceTransportPolicy: RTCIceTransportPolicy;
}

/** The floor after the request: our own request or release brings no FloorChanged, so the answer carries it. */
export type FloorOutcome = { floor?: FloorInfo } & (
  | { outcome: 'granted' }
  | { outcome: 'queued'; position: number; holder: ParticipantInfo }
  /** No holder: the time limit just cut us off, and the floor is not ours again for retryAfterMs. */
  | { outcome: 'denied'; holder?: ParticipantInfo; retryAfterMs?: number }
);

/**
 * Every channel event carries `seq`, the channel's event count: it grows with each event, and an event whose seq is
 * not above the last one seen (or the snapshot's) is a duplicate or a straggler. ServerClosing is the server's own.
 */
export interface ServerEvents {
  ParticipantJoined: ParticipantInfo & { seq?: number };
  ParticipantLeft: { id: string; seq?: number };
  ParticipantAway: { id: string; seq?: number };
  ServerClosing: { retryAfterMs: number };
  Signal: SignalPayload & { from: string; seq?: number };
  FloorChanged: FloorInfo;
  FloorGranted: { expiresAt?: number; seq?: number };
  FloorRevoked: { reason: string; seq?: number };
  /** The channel's audio travels another way from now on; the seat, the floor and the queue are unchanged. */
  MediaChanged: { topology: 'mesh' | 'sfu'; seq?: number };
  /** The server lost its media server: no audio reaches anyone until a MediaChanged says it is back. */
  MediaInterrupted: { topology: 'mesh' | 'sfu'; seq?: number };
}

/** A refusal from the server: a stable machine code and a sentence for people. */
export class HubError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'HubError';
  }

  /** SignalR prefixes hub errors with its own sentence; the code follows "HubException: ". */
  static from(error: unknown): HubError {
    // Already read: reading it again would lose the code, since its message no longer has SignalR's prefix.
    if (error instanceof HubError) {
      return error;
    }
    const text = error instanceof Error ? error.message : String(error);
    const match = /HubException: ([a-z-]+): (.+)$/.exec(text);
    return match ? new HubError(match[1]!, match[2]!) : new HubError('connection', text);
  }
}

// JavaScript's $ never matches before a trailing "\n" without the m flag; the server uses \z for the same.
const channelPattern = /^[A-Za-z0-9_-]{1,64}$/;

export const maxNameGraphemes = 32;
/** One grapheme may hold any number of combining marks; this bounds what a name can carry. */
export const maxNameUtf16 = 128;

// The same sets as the server's NameChars.cs. Each is tested against one code point.
const space = /^\p{Zs}$/u;
const selector = /^[\u180B-\u180D\u180F\uFE00-\uFE0F\u{E0100}-\u{E01EF}]$/u;
// Hangul fillers and the blank braille pattern are letters/symbols that render as nothing.
const blank = /^[\u115F\u1160\u3164\uFFA0\u2800]$/u;
const invisible = /^[\p{White_Space}\p{Cf}\u115F\u1160\u3164\uFFA0\u2800\u034F\u17B4\u17B5\u180B-\u180D\u180F\uFE00-\uFE0F\u{E0100}-\u{E01EF}]$/u;
const refusedInside = /^(?:\p{Cc}|\p{Co}|\p{Cn}|\p{Cs}|\p{Zl}|\p{Zp}|\uFFFD|(?![\u200C\u200D])\p{Cf})$/u;
const graphemes = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

export type NameProblem = 'length' | 'invisible' | 'unprintable';

/**
 * A display name must show who is talking, so, as on the server:
 * 1. it is NFC-normalised, so a name typed precomposed or decomposed is one name;
 * 2. invisible characters at either end are trimmed (whitespace, format characters, Hangul fillers, blank braille,
 *    the grapheme joiner, lone selectors), and each run of spaces inside (U+0020, U+00A0, U+3000…) becomes one U+0020;
 * 3. nothing visible left means refused;
 * 4. inside, the only format characters allowed are ZWJ and ZWNJ (emoji sequences, Persian, Indic scripts); other
 *    format, control (tabs and line breaks too), private-use, unassigned and surrogate code points, U+FFFD and blank
 *    letters are refused;
 * 5. it is 1–32 graphemes (a family emoji is one) and at most 128 UTF-16 units.
 */
export function normalizeName(raw: string): { name: string } | { problem: NameProblem } {
  const chars = [...raw.normalize('NFC')];
  let start = 0;
  let end = chars.length;
  while (start < end && invisible.test(chars[start]!)) {
    start++;
  }
  // A selector right after a visible base belongs to it: "❤️" keeps its emoji presentation.
  while (end > start && invisible.test(chars[end - 1]!) && !(selector.test(chars[end - 1]!) && end - 2 >= start && !invisible.test(chars[end - 2]!))) {
    end--;
  }
  if (start === end) {
    return { problem: /^\p{White_Space}*$/u.test(raw) ? 'length' : 'invisible' };
  }
  let name = '';
  for (let i = start; i < end; i++) {
    const c = chars[i]!;
    // Only spaces collapse; a tab or line break inside is a control character and is refused.
    if (space.test(c)) {
      name += space.test(chars[i - 1]!) ? '' : ' ';
    } else if (refusedInside.test(c) || blank.test(c)) {
      return { problem: 'unprintable' };
    } else {
      name += c;
    }
  }
  if (name.length > maxNameUtf16 || [...graphemes.segment(name)].length > maxNameGraphemes) {
    return { problem: 'length' };
  }
  return { name };
}

const nameMessages: Record<NameProblem, string> = {
  length: 'Use 1–32 characters.',
  invisible: 'Use at least one visible character.',
  unprintable: 'Use printable characters only.',
};

/** The same rules the server applies, so a bad value never leaves the page. */
export function validateJoin(channel: string, name: string): { channel?: string; name?: string } {
  const errors: { channel?: string; name?: string } = {};
  if (!channelPattern.test(channel)) {
    errors.channel = 'Use 1–64 letters, digits, - or _.';
  }
  const checked = normalizeName(name);
  if ('problem' in checked) {
    errors.name = nameMessages[checked.problem];
  }
  return errors;
}
