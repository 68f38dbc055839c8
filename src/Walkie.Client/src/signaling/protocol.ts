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
}

export interface JoinResult {
  self: ParticipantInfo;
  channel: string;
  /** Whether the channel has a passcode; an open one is open to anyone who knows its name. */
  private: boolean;
  participants: ParticipantInfo[];
  floor: FloorInfo;
  iceServers: RTCIceServer[];
  iceTransportPolicy: RTCIceTransportPolicy;
  limits: {
    maxParticipants: number;
    transmitLimitMs: number;
    floorQueue: boolean;
    keepAliveIntervalMs: number;
  };
  negotiation: string;
}

export interface IceServersResult {
  iceServers: RTCIceServer[];
  iceTransportPolicy: RTCIceTransportPolicy;
}

export type FloorOutcome =
  | { outcome: 'granted' }
  | { outcome: 'queued'; position: number; holder: ParticipantInfo }
  /** No holder: the time limit just cut us off, and the floor is not ours again for retryAfterMs. */
  | { outcome: 'denied'; holder?: ParticipantInfo; retryAfterMs?: number };

export interface ServerEvents {
  ParticipantJoined: ParticipantInfo;
  ParticipantLeft: { id: string };
  Signal: SignalPayload & { from: string };
  FloorChanged: FloorInfo;
  FloorGranted: { expiresAt?: number };
  FloorRevoked: { reason: string };
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
    const text = error instanceof Error ? error.message : String(error);
    const match = /HubException: ([a-z-]+): (.+)$/.exec(text);
    return match ? new HubError(match[1]!, match[2]!) : new HubError('connection', text);
  }
}

const channelPattern = /^[A-Za-z0-9_-]{1,64}$/;

/** The same rules the server applies, so a bad value never leaves the page. */
export function validateJoin(channel: string, name: string): { channel?: string; name?: string } {
  const errors: { channel?: string; name?: string } = {};
  if (!channelPattern.test(channel)) {
    errors.channel = 'Use 1–64 letters, digits, - or _.';
  }
  const trimmed = name.trim();
  const length = [...trimmed].length;
  if (length === 0 || length > 32) {
    errors.name = 'Use 1–32 characters.';
  } else if (/[\p{Cc}\p{Cf}]/u.test(trimmed)) {
    errors.name = 'Use printable characters only.';
  }
  return errors;
}
