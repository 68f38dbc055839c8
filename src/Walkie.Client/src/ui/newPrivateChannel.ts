import { byId } from './dom';
export interface NewPrivateChannelParts {
  button: HTMLButtonElement;
  hint: HTMLElement;
  channel: HTMLInputElement;
  passcode: HTMLInputElement;
  name: HTMLInputElement;
  join: HTMLButtonElement;
}

/** The button, its hint and the join form's fields in index.html. */
export function newPrivateChannelParts(doc: Document): NewPrivateChannelParts {
  return {
    button: byId('new-private', doc),
    hint: byId('private-hint', doc),
    channel: byId('channel', doc),
    passcode: byId('passcode', doc),
    name: byId('name', doc),
    join: byId('join', doc),
  };
}

const hintText = 'A private channel with a random name and passcode. Once you have joined, Share gives you its link.';

/**
 * "New private channel": fills the form with a random channel and passcode from `make`, says what it did, and moves
 * on to the next thing to do (the name, or Join once a name is there).
 */
export function bindNewPrivateChannel(
  parts: NewPrivateChannelParts,
  make: () => { channel: string; passcode: string },
  onFilled: () => void,
): void {
  parts.button.addEventListener('click', () => {
    const made = make();
    parts.channel.value = made.channel;
    parts.passcode.value = made.passcode;
    // Written, not unhidden: a live region reliably announces new text, not a region appearing.
    parts.hint.textContent = hintText;
    onFilled();
    (parts.name.value.trim() ? parts.join : parts.name).focus();
  });
  // Once either is edited, the form no longer holds the channel the hint speaks of.
  for (const input of [parts.channel, parts.passcode]) {
    input.addEventListener('input', () => (parts.hint.textContent = ''));
  }
}
