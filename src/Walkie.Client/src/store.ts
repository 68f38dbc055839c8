import type { PttState } from './floor/ptt';
import type { ConnectionState } from './signaling/channelConnection';
import type { OfflineState } from './pwa/reachability';
import type { FloorInfo, ParticipantInfo } from './signaling/protocol';

export type MicState = 'unknown' | 'ready' | 'unavailable';
/** Hold to talk (the default), or latched: one tap starts, the next stops. */
export type TalkMode = 'hold' | 'latch';

/** Everything the interface shows. The view renders from this alone. */
export interface AppState {
  /** 'offline': the server did not answer at start-up (see pwa/reachability.ts). */
  view: 'landing' | 'channel' | 'offline';
  joining: boolean;
  connection: ConnectionState | 'idle';
  channel: string;
  /** Whether the channel has a passcode: its link then carries the passcode in the fragment. */
  private: boolean;
  /** The passcode this tab joined with, for the Share link; it goes nowhere but Join. */
  passcode: string;
  self: ParticipantInfo | null;
  others: ParticipantInfo[];
  /** Others whose connection dropped: still in the channel for the resume grace, not reachable. */
  away: string[];
  floor: FloorInfo;
  /** 'interrupted': the server's media server went away; nobody hears anybody until the server says it is back. */
  audio: 'ok' | 'interrupted';
  ptt: PttState;
  mic: MicState;
  /** False on a plain-HTTP page other than localhost: browsers then offer no microphone at all. */
  secure: boolean;
  tones: boolean;
  talkMode: TalkMode;
  errors: { channel?: string; name?: string; passcode?: string; join?: string };
  notice: string | null;
  offline: OfflineState;
}

export const initialState: AppState = {
  view: 'landing',
  joining: false,
  connection: 'idle',
  channel: '',
  private: false,
  passcode: '',
  self: null,
  others: [],
  away: [],
  floor: { holder: null, queue: [] },
  audio: 'ok',
  ptt: { phase: 'idle' },
  mic: 'unknown',
  secure: true,
  tones: true,
  talkMode: 'hold',
  errors: {},
  notice: null,
  offline: { checking: false, failures: 0 },
};

export class Store {
  private readonly listeners: ((state: AppState) => void)[] = [];

  constructor(private current: AppState) {}

  get state(): AppState {
    return this.current;
  }

  update(change: Partial<AppState>): void {
    this.current = { ...this.current, ...change };
    for (const listener of this.listeners) {
      listener(this.current);
    }
  }

  subscribe(listener: (state: AppState) => void): void {
    this.listeners.push(listener);
    listener(this.current);
  }
}
