import type { PttState } from './floor/ptt';
import type { ConnectionState } from './signaling/channelConnection';
import type { FloorInfo, ParticipantInfo } from './signaling/protocol';

export type MicState = 'unknown' | 'ready' | 'unavailable';

/** Everything the interface shows. The view renders from this alone. */
export interface AppState {
  view: 'landing' | 'channel';
  joining: boolean;
  connection: ConnectionState | 'idle';
  channel: string;
  self: ParticipantInfo | null;
  others: ParticipantInfo[];
  floor: FloorInfo;
  ptt: PttState;
  mic: MicState;
  tones: boolean;
  errors: { channel?: string; name?: string; join?: string };
  notice: string | null;
}

export const initialState: AppState = {
  view: 'landing',
  joining: false,
  connection: 'idle',
  channel: '',
  self: null,
  others: [],
  floor: { holder: null, queue: [] },
  ptt: { phase: 'idle' },
  mic: 'unknown',
  tones: true,
  errors: {},
  notice: null,
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
