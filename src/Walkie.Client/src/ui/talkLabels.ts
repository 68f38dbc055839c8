import type { PttState } from '../floor/ptt';
import type { AppState, TalkMode } from '../store';

/** What the talk button says. The label is its visible text and its accessible name, so voice control can say it. */
export interface TalkButtonText {
  label: string;
  caption: string;
  /** A refusal or a cut-off: shown loudly, since the user may not be looking at the colour. */
  alert: boolean;
}

type Inputs = Pick<AppState, 'ptt' | 'connection' | 'secure'>;

const countdownFrom = 10;

export function secondsLeft(ptt: PttState, now: number): number | null {
  return ptt.phase === 'talking' && ptt.until !== null ? Math.max(0, Math.ceil((ptt.until - now) / 1000)) : null;
}

export function talkButtonText({ ptt, connection, secure }: Inputs, mode: TalkMode, now: number, touch = false): TalkButtonText {
  const tap = mode === 'latch';
  const text = (label: string, caption: string, alert = false): TalkButtonText => ({ label, caption, alert });
  if (connection !== 'connected') {
    return text('Push to talk', offlineReason(connection));
  }
  switch (ptt.phase) {
    case 'idle':
    case 'requesting':
    case 'cancelling':
      // Requesting lasts a round trip: a label flicker would read as noise, so it keeps the idle wording.
      return text('Push to talk', tap ? (touch ? 'Tap to talk, tap again to stop' : 'Tap or press Enter to talk, again to stop')
        : touch ? 'Hold the button to talk' : 'Hold the button or the Space bar to talk');
    case 'talking': {
      const left = secondsLeft(ptt, now);
      return text(tap ? 'Talking: tap to stop' : 'Talking: release to stop', left !== null && left <= countdownFrom ? `${left} s left` : 'You are on air');
    }
    case 'queued':
      return text(`Waiting: you are #${ptt.position}`, tap ? 'You talk when it is your turn. Tap to leave the line.' : 'Keep holding: you talk when it is your turn');
    case 'denied':
      return text('Busy', `${ptt.holder === null ? 'Your turn just ended: others go first' : `${ptt.holder} has the channel`}${tap ? '. Tap to try again.' : ''}`, true);
    case 'revoked':
      return ptt.reason === 'time-limit'
        ? text(tap ? 'Time is up' : 'Time is up: release', `Your turn reached the time limit${tap ? '. Tap to talk again.' : ''}`, true)
        : text(tap ? 'Cut off' : 'Cut off: release', `The channel was taken from you${tap ? '. Tap to talk again.' : ''}`, true);
    case 'listen-only':
      return text('Listen only', secure ? 'No microphone: you can listen' : 'The microphone needs HTTPS: you can listen');
  }
}

/** Why the button is disabled while there is no server to grant the floor. */
export function offlineReason(connection: AppState['connection']): string {
  return connection === 'gone' ? 'Talking is off: Walkie lost the server' : 'Talking is paused while Walkie reconnects';
}

/**
 * What a screen reader should hear about our own turn, beyond the talker headline (itself a polite live region). It
 * changes only when something the user must know changes, not with every second of the countdown, and the view writes
 * it only on change. The wording differs from the visible text on purpose: that is read when focused, this when it
 * happens.
 */
export function announcement(s: Pick<AppState, 'ptt' | 'connection'>, now: number): string {
  if (s.connection !== 'connected') {
    return '';
  }
  switch (s.ptt.phase) {
    case 'talking': {
      const left = secondsLeft(s.ptt, now);
      return left !== null && left <= countdownFrom ? `${countdownFrom} seconds left` : '';
    }
    case 'queued':
      return `In line for the channel, number ${s.ptt.position}`;
    case 'denied':
      return s.ptt.holder === null ? 'Refused: others go first after your turn' : `Refused: ${s.ptt.holder} has the channel`;
    case 'revoked':
      return s.ptt.reason === 'time-limit' ? 'Your turn was cut off at the time limit' : 'Your turn was cut off';
    default:
      return '';
  }
}
