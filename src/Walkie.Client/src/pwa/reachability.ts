/** The part of fetch the check uses, so tests can hand in their own. */
export type Fetcher = (url: string, init: RequestInit) => Promise<{ ok: boolean }>;

/**
 * True when the server answers `url` with a success within `timeoutMs`. A hanging network (a phone on a captive
 * Wi-Fi) counts as unreachable: the request is aborted and the answer is false.
 */
export async function isReachable(fetcher: Fetcher, url: string, timeoutMs: number): Promise<boolean> {
  const controller = new AbortController();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => {
      controller.abort();
      resolve(false);
    }, timeoutMs);
  });
  const answer = fetcher(url, { cache: 'no-store', signal: controller.signal }).then(
    (response) => response.ok,
    () => false,
  );
  try {
    return await Promise.race([answer, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** What the offline screen shows: whether a retry is under way, and how many checks have failed so far. */
export interface OfflineState {
  checking: boolean;
  failures: number;
}

/**
 * Holds the app's start until the server is reachable. The first check runs at once and reports nothing unless it
 * fails; after a failure `onChange` gets the offline state and the gate waits for `retry()`. When a check succeeds
 * after failures, `onChange(null)` says the server is back, and `ready` resolves.
 */
export class ReachabilityGate {
  readonly ready: Promise<void>;
  private open!: () => void;
  private checking = false;
  private passed = false;
  private failures = 0;

  constructor(
    private readonly check: () => Promise<boolean>,
    private readonly onChange: (state: OfflineState | null) => void,
  ) {
    this.ready = new Promise((resolve) => (this.open = resolve));
    void this.attempt();
  }

  /** Checks again; ignored while a check is running or once the server answered. */
  retry = (): void => {
    if (!this.checking && !this.passed) {
      this.onChange({ checking: true, failures: this.failures });
      void this.attempt();
    }
  };

  private async attempt(): Promise<void> {
    this.checking = true;
    const reachable = await this.check().catch(() => false);
    this.checking = false;
    if (reachable) {
      this.passed = true;
      if (this.failures > 0) {
        this.onChange(null);
      }
      this.open();
    } else {
      this.failures++;
      this.onChange({ checking: false, failures: this.failures });
    }
  }
}
