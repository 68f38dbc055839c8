/** A message that clears itself: "Link copied" should not stay on screen for the rest of the session. */
export class TransientNotice {
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(private readonly show: (text: string | null) => void) {}

  say(text: string, ms = 4000): void {
    clearTimeout(this.timer);
    this.show(text);
    this.timer = setTimeout(() => this.clear(), ms);
  }

  clear(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.show(null);
  }
}

/** The server numbers a second "ann" as "ann 2"; the user should hear that rather than find out from the list. */
export function renamedNotice(asked: string, given: string): string | null {
  // A long name is shortened to make room for the number, so only the number is checked.
  const wanted = asked.trim().normalize('NFC');
  return given !== wanted && / \d+$/.test(given)
    ? `Someone here is already called ${wanted}, so you are ${given}.`
    : null;
}
