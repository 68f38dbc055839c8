import type { FloorOutcome } from '../signaling/protocol';

/** What the Push to talk button is doing. Each phase says whether the button is held. */
export type PttState =
  | { phase: 'idle' }
  | { phase: 'requesting' }
  /** Released before the server answered: whatever it answers, we give the floor straight back. */
  | { phase: 'cancelling' }
  | { phase: 'talking'; until: number | null }
  | { phase: 'queued'; position: number }
  /** holder is null when the floor is free but not ours yet: we were just cut off by the time limit. */
  | { phase: 'denied'; holder: string | null }
  | { phase: 'revoked'; reason: string }
  | { phase: 'listen-only' };

export type PttEvent =
  | { type: 'press' }
  | { type: 'release' }
  /** Latched talking: one tap starts, the next stops, whatever the phase. */
  | { type: 'toggle' }
  | { type: 'answer'; result: FloorOutcome; now: number; limitMs: number }
  | { type: 'granted'; now: number; limitMs: number }
  | { type: 'revoked'; reason: string }
  /** The floor now belongs to someone else, or to nobody, while we thought we held it. */
  | { type: 'lost' }
  | { type: 'queue-position'; position: number }
  | { type: 'mic'; available: boolean }
  | { type: 'disconnected' };

export type PttEffect = 'request' | 'release' | 'start-sending' | 'stop-sending' | 'permit-tone' | 'busy-tone';

export interface Transition {
  state: PttState;
  effects: PttEffect[];
}

const stay = (state: PttState): Transition => ({ state, effects: [] });
const idle: PttState = { phase: 'idle' };

function talking(now: number, limitMs: number): Transition {
  return { state: { phase: 'talking', until: limitMs > 0 ? now + limitMs : null }, effects: ['start-sending', 'permit-tone'] };
}

/** The push-to-talk state machine: pure, so every transition is unit-tested without a browser. */
export function ptt(state: PttState, event: PttEvent): Transition {
  if (event.type === 'toggle') {
    return toggle(state);
  }
  if (event.type === 'mic') {
    if (!event.available) {
      return { state: { phase: 'listen-only' }, effects: state.phase === 'talking' ? ['stop-sending', 'release'] : [] };
    }
    return state.phase === 'listen-only' ? stay(idle) : stay(state);
  }
  if (event.type === 'disconnected') {
    // The server forgets a disconnected participant's floor; the button must not keep sending.
    if (state.phase === 'listen-only') {
      return stay(state);
    }
    return { state: idle, effects: state.phase === 'talking' ? ['stop-sending'] : [] };
  }

  switch (state.phase) {
    case 'listen-only':
      return stay(state);
    case 'idle':
      if (event.type === 'press') {
        return { state: { phase: 'requesting' }, effects: ['request'] };
      }
      if (event.type === 'granted') {
        // A grant for a queue we already left: hand it straight back.
        return { state, effects: ['release'] };
      }
      return stay(state);
    case 'requesting':
      switch (event.type) {
        case 'release':
          return stay({ phase: 'cancelling' });
        case 'granted':
          return talking(event.now, event.limitMs);
        case 'answer':
          switch (event.result.outcome) {
            case 'granted':
              return talking(event.now, event.limitMs);
            case 'queued':
              return stay({ phase: 'queued', position: event.result.position });
            case 'denied':
              return { state: { phase: 'denied', holder: event.result.holder?.name ?? null }, effects: ['busy-tone'] };
          }
          break;
        default:
          return stay(state);
      }
      break;
    case 'cancelling':
      if (event.type === 'answer') {
        return { state: idle, effects: event.result.outcome === 'denied' ? [] : ['release'] };
      }
      if (event.type === 'granted') {
        return { state: idle, effects: ['release'] };
      }
      return event.type === 'press' ? stay({ phase: 'requesting' }) : stay(state);
    case 'talking':
      switch (event.type) {
        case 'release':
          return { state: idle, effects: ['stop-sending', 'release'] };
        case 'revoked':
          return { state: { phase: 'revoked', reason: event.reason }, effects: ['stop-sending', 'busy-tone'] };
        case 'lost':
          return { state: { phase: 'revoked', reason: 'lost' }, effects: ['stop-sending'] };
        default:
          return stay(state);
      }
    case 'queued':
      switch (event.type) {
        case 'release':
          return { state: idle, effects: ['release'] };
        case 'granted':
          return talking(event.now, event.limitMs);
        case 'queue-position':
          return stay({ phase: 'queued', position: event.position });
        default:
          return stay(state);
      }
    case 'denied':
    case 'revoked':
      return event.type === 'release' ? stay(idle) : stay(state);
  }
  return stay(state);
}

/**
 * A tap means "stop" while we are asking, waiting or talking, and "start" otherwise. After a refusal or a cut-off the
 * button is not held, so the tap first lets go of that state and then asks again.
 */
function toggle(state: PttState): Transition {
  switch (state.phase) {
    case 'requesting':
    case 'queued':
    case 'talking':
      return ptt(state, { type: 'release' });
    case 'denied':
    case 'revoked': {
      const cleared = ptt(state, { type: 'release' });
      const asked = ptt(cleared.state, { type: 'press' });
      return { state: asked.state, effects: [...cleared.effects, ...asked.effects] };
    }
    case 'idle':
    case 'cancelling':
      return ptt(state, { type: 'press' });
    case 'listen-only':
      return stay(state);
  }
}
