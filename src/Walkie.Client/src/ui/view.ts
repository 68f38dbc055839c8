import type { AppState, TalkMode } from '../store';
import { ParticipantList } from './participantList';
import { announcement, talkButtonText } from './talkLabels';
import { byId, setText } from './dom';

export interface ViewCallbacks {
  join: (channel: string, name: string, passcode: string) => void;
  leave: () => void;
  enableMic: () => void;
  setTones: (on: boolean) => void;
  setVolume: (participantId: string, volume: number) => void;
  setTalkMode: (mode: TalkMode) => void;
}


/** Renders the store into the static markup of index.html. Holds no state of its own. */
export class View {
  readonly ptt = byId<HTMLButtonElement>('ptt');
  private readonly landing = byId('landing');
  private readonly channelView = byId('channel-view');
  private readonly channelInput = byId<HTMLInputElement>('channel');
  private readonly nameInput = byId<HTMLInputElement>('name');
  private readonly passcodeInput = byId<HTMLInputElement>('passcode');
  private readonly joinButton = byId<HTMLButtonElement>('join');
  private readonly channelError = byId('channel-error');
  private readonly nameError = byId('name-error');
  private readonly passcodeError = byId('passcode-error');
  private readonly passcodeOptional = byId('passcode-optional');
  private readonly joinError = byId('join-error');
  private readonly title = byId('channel-title');
  private readonly status = byId('status');
  private readonly talker = byId('talker');
  private readonly pttState = byId('ptt-state');
  private readonly micNotice = byId('mic-notice');
  private readonly participantList: ParticipantList;
  private readonly tones = byId<HTMLInputElement>('tones');
  private readonly meterFill = byId('meter-fill');
  private readonly notice = byId('notice');
  private readonly reload = byId<HTMLButtonElement>('reload');
  private readonly insecure = byId('insecure');
  private readonly micReason = byId('mic-reason');
  private readonly pttLabel = byId('ptt-label');
  private readonly announcer = byId('announcer');
  private readonly talkModes = [...document.querySelectorAll<HTMLInputElement>('input[name="talk-mode"]')];
  private shownLevel = 0;
  private shownView: AppState['view'] = 'landing';

  constructor(callbacks: ViewCallbacks) {
    this.participantList = new ParticipantList(byId<HTMLUListElement>('participants'), callbacks.setVolume);
    byId<HTMLFormElement>('join-form').addEventListener('submit', (e) => {
      e.preventDefault();
      callbacks.join(this.channelInput.value.trim(), this.nameInput.value, this.passcodeInput.value);
    });
    byId('leave').addEventListener('click', callbacks.leave);
    byId('enable-mic').addEventListener('click', callbacks.enableMic);
    this.reload.addEventListener('click', () => location.reload());
    byId<HTMLAnchorElement>('https-link').href = `https://${location.host}${location.pathname}`;
    this.tones.addEventListener('change', () => callbacks.setTones(this.tones.checked));
    for (const radio of this.talkModes) {
      radio.addEventListener('change', () => radio.checked && callbacks.setTalkMode(radio.value === 'latch' ? 'latch' : 'hold'));
    }
  }

  prefill(channel: string, name: string, passcode = ''): void {
    this.channelInput.value = channel;
    this.nameInput.value = name;
    this.passcodeInput.value = passcode;
    this.focusForm();
  }

  /** The first field still to fill; it is a no-op while the form is hidden (offline), so it runs again after. */
  focusForm(): void {
    (this.channelInput.value ? this.nameInput : this.channelInput).focus();
  }

  /** The passcode prompt: the cursor goes where the answer is typed, over a wrong passcode so typing replaces it. */
  focusPasscode(): void {
    this.passcodeInput.focus();
    this.passcodeInput.select();
  }

  /** Called every animation frame; writes the style only when the bar visibly moves, so a quiet page does no work. */
  setLevel(level: number): void {
    const rounded = Math.round(level * 100) / 100;
    if (rounded !== this.shownLevel) {
      this.shownLevel = rounded;
      this.meterFill.style.transform = `scaleX(${rounded})`;
    }
  }

  render = (s: AppState): void => {
    this.landing.hidden = s.view !== 'landing';
    this.channelView.hidden = s.view !== 'channel';
    this.joinButton.disabled = s.joining;
    this.joinButton.textContent = s.joining ? 'Joining…' : 'Join';
    this.setError(this.channelInput, this.channelError, s.errors.channel);
    this.setError(this.nameInput, this.nameError, s.errors.name);
    this.setError(this.passcodeInput, this.passcodeError, s.errors.passcode);
    // While the channel asks for a passcode, it is not optional.
    this.passcodeOptional.hidden = s.errors.passcode !== undefined;
    this.joinError.textContent = s.errors.join ?? '';
    this.insecure.hidden = s.secure;
    if (s.view !== 'channel') {
      this.shownView = s.view;
      return;
    }

    setText(this.title, s.channel);
    this.title.title = s.channel;
    const people = s.others.length + (s.self ? 1 : 0);
    const connection = {
      idle: 'Connecting…',
      connecting: 'Connecting…',
      connected: 'Connected',
      reconnecting: 'Reconnecting… You are off the air until the connection is back.',
      restarting: 'The server is restarting… You are off the air until it is back.',
      gone: 'Disconnected: the server cannot be reached. Reload to try again.',
    }[s.connection];
    const here = `${connection} · ${people} ${people === 1 ? 'person' : 'people'} here`;
    const voiceDown = s.connection === 'connected' && s.audio === 'interrupted';
    setText(this.status, voiceDown
      ? `${here} · Voice is down: the server is reconnecting its media server. Nobody hears anybody until it is back.`
      : s.connection === 'connected' ? here : connection);
    this.status.dataset['state'] = voiceDown ? 'voice-down' : s.connection;
    this.reload.hidden = s.connection !== 'gone';

    const holder = s.floor.holder;
    const selfTalking = holder !== null && holder.id === s.self?.id;
    setText(this.talker, holder === null ? 'Channel clear' : selfTalking ? 'You are talking' : `${holder.name} is talking`);
    this.talker.title = this.talker.textContent ?? '';
    this.talker.dataset['busy'] = String(holder !== null);

    this.renderPtt(s);
    this.micNotice.hidden = s.mic !== 'unavailable';
    setText(this.micReason, s.secure
      ? 'No microphone: you are listening only.'
      : 'Listening only: browsers allow the microphone only on HTTPS pages (or on localhost).');
    this.tones.checked = s.tones;
    for (const radio of this.talkModes) {
      radio.checked = radio.value === s.talkMode;
    }
    setText(this.notice, s.notice ?? '');
    this.participantList.render(s);
    if (this.shownView !== 'channel') {
      // Straight to the one control that matters; without this, focus fell back to the page body after Join.
      (this.ptt.disabled ? byId('enable-mic') : this.ptt).focus();
    }
    this.shownView = s.view;
  };

  /** Also runs on a timer while talking, for the countdown; writes only what changed. */
  refreshPtt(s: AppState): void {
    this.renderPtt(s);
  }

  private renderPtt(s: AppState): void {
    const { ptt, connection, talkMode } = s;
    const now = Date.now();
    const text = talkButtonText(s, talkMode, now, touchOnly);
    this.ptt.dataset['phase'] = ptt.phase;
    this.ptt.dataset['mode'] = talkMode;
    // A latched button is a toggle that stays pressed while we ask, wait or talk; a held one is pressed while on air.
    const pressed = talkMode === 'latch' ? ['requesting', 'queued', 'talking'].includes(ptt.phase) : ptt.phase === 'talking';
    this.ptt.setAttribute('aria-pressed', String(pressed));
    this.ptt.disabled = ptt.phase === 'listen-only' || connection !== 'connected';
    setText(this.pttLabel, text.label);
    setText(this.pttState, text.caption);
    this.pttState.dataset['alert'] = String(text.alert);
    setText(this.announcer, announcement(s, now));
  }

  private setError(input: HTMLInputElement, slot: HTMLElement, message: string | undefined): void {
    slot.textContent = message ?? '';
    input.setAttribute('aria-invalid', String(message !== undefined));
  }
}

// Phones have no Space bar to mention.
const touchOnly = typeof matchMedia === 'function' && matchMedia('(hover: none) and (pointer: coarse)').matches;
