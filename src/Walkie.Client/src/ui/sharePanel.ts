import { byId, setText } from './dom';
/** What the Share panel offers: the channel's link, and whether that link holds a passcode. */
export interface ShareTarget {
  link: string;
  private: boolean;
}

export interface SharePanelParts {
  opener: HTMLButtonElement;
  dialog: HTMLDialogElement;
  about: HTMLElement;
  link: HTMLElement;
  copy: HTMLButtonElement;
  qr: HTMLElement;
  close: HTMLButtonElement;
}

export interface SharePanelCallbacks {
  /** The link's QR code, ready to insert. */
  drawQr: (link: string) => Element;
  /** Puts the text on the clipboard; rejects where the browser will not (plain HTTP, no permission). */
  copy: (text: string) => Promise<void>;
}

/** The panel's parts in index.html. */
export function sharePanelParts(doc: Document): SharePanelParts {
  return {
    opener: byId('share', doc),
    dialog: byId('share-panel', doc),
    about: byId('share-about', doc),
    link: byId('share-link', doc),
    copy: byId('share-copy', doc),
    qr: byId('share-qr', doc),
    close: byId('share-close', doc),
  };
}

const copyLabel = 'Copy link';
const confirmationMs = 2000;

/** The Share dialog: the link as text, a Copy link button, and a QR code for a phone across the room. */
export class SharePanel {
  private target: ShareTarget | null = null;
  private drawn = '';
  private revert: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly parts: SharePanelParts,
    private readonly callbacks: SharePanelCallbacks,
  ) {
    parts.opener.addEventListener('click', () => this.open());
    parts.close.addEventListener('click', () => parts.dialog.close());
    parts.copy.addEventListener('click', () => void this.copyLink());
    // A click on the backdrop hits the dialog element itself; every click inside lands on its content.
    parts.dialog.addEventListener('click', (e) => e.target === parts.dialog && parts.dialog.close());
    // Esc, Close and the backdrop all end here: focus goes back where it came from.
    parts.dialog.addEventListener('close', () => {
      this.showCopyLabel();
      parts.opener.focus();
    });
  }

  /** Follows the store: what to share while in a channel, null anywhere else (which closes the panel). */
  render = (target: ShareTarget | null): void => {
    this.target = target;
    if (target === null) {
      if (this.parts.dialog.open) {
        this.parts.dialog.close();
      }
      return;
    }
    const about = target.private
      ? 'Anyone with this link can join: it holds the passcode. Share it only with the people you want in.'
      : 'This channel has no passcode: anyone with this link, or who guesses the name, can join and listen.';
    setText(this.parts.about, about);
    setText(this.parts.link, target.link);
    if (target.link !== this.drawn) {
      this.parts.qr.replaceChildren(this.callbacks.drawQr(target.link));
      this.drawn = target.link;
    }
  };

  private open(): void {
    if (this.target && !this.parts.dialog.open) {
      this.parts.dialog.showModal();
      this.parts.copy.focus();
    }
  }

  private async copyLink(): Promise<void> {
    if (!this.target) {
      return;
    }
    try {
      await this.callbacks.copy(this.target.link);
      this.confirm('Copied');
    } catch {
      // Selected, the link is one copy command away where the clipboard API is missing.
      getSelection()?.selectAllChildren(this.parts.link);
      this.confirm('Copy the selected link');
    }
  }

  private confirm(text: string): void {
    setText(this.parts.copy, text);
    clearTimeout(this.revert);
    this.revert = setTimeout(() => this.showCopyLabel(), confirmationMs);
  }

  private showCopyLabel(): void {
    clearTimeout(this.revert);
    setText(this.parts.copy, copyLabel);
  }
}

