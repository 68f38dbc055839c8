import { afterEach, describe, expect, it, vi } from 'vitest';
import { isReachable, ReachabilityGate, type Fetcher, type OfflineState } from './reachability';

describe('isReachable', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('is true for a success and asks past every cache', async () => {
    const fetcher = vi.fn<Fetcher>(() => Promise.resolve({ ok: true }));
    expect(await isReachable(fetcher, '/healthz', 1000)).toBe(true);
    expect(fetcher).toHaveBeenCalledWith('/healthz', expect.objectContaining({ cache: 'no-store' }));
  });

  it('is false for an error status and for a network error', async () => {
    expect(await isReachable(() => Promise.resolve({ ok: false }), '/healthz', 1000)).toBe(false);
    expect(await isReachable(() => Promise.reject(new TypeError('Failed to fetch')), '/healthz', 1000)).toBe(false);
  });

  it('gives up after the timeout and aborts the request', async () => {
    vi.useFakeTimers();
    let signal: AbortSignal | undefined;
    const hanging: Fetcher = (_url, init) => {
      signal = init.signal ?? undefined;
      return new Promise(() => {});
    };
    const result = isReachable(hanging, '/healthz', 3000);
    await vi.advanceTimersByTimeAsync(2999);
    expect(signal?.aborted).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(await result).toBe(false);
    expect(signal?.aborted).toBe(true);
  });

  it('leaves no timer behind when the answer comes first', async () => {
    vi.useFakeTimers();
    expect(await isReachable(() => Promise.resolve({ ok: true }), '/healthz', 3000)).toBe(true);
    expect(vi.getTimerCount()).toBe(0);
  });
});

/** A check whose answers the test gives one by one. */
function scriptedCheck() {
  const pending: ((reachable: boolean) => void)[] = [];
  const check = vi.fn(() => new Promise<boolean>((resolve) => pending.push(resolve)));
  const answer = async (reachable: boolean) => {
    pending.shift()?.(reachable);
    // Let the gate's continuation run before the test looks.
    await new Promise((r) => setTimeout(r, 0));
  };
  return { check, answer };
}

describe('ReachabilityGate', () => {
  it('opens at once and reports nothing when the first check succeeds', async () => {
    const changes: (OfflineState | null)[] = [];
    const { check, answer } = scriptedCheck();
    const gate = new ReachabilityGate(check, (s) => changes.push(s));
    await answer(true);
    await gate.ready;
    expect(changes).toEqual([]);
  });

  it('reports offline, checks again only on retry, and opens when the server is back', async () => {
    const changes: (OfflineState | null)[] = [];
    const { check, answer } = scriptedCheck();
    const gate = new ReachabilityGate(check, (s) => changes.push(s));
    let opened = false;
    void gate.ready.then(() => (opened = true));

    await answer(false);
    expect(changes).toEqual([{ checking: false, failures: 1 }]);
    expect(check).toHaveBeenCalledTimes(1);

    gate.retry();
    gate.retry(); // a second press while checking starts no second check
    expect(check).toHaveBeenCalledTimes(2);
    await answer(false);
    expect(changes.slice(1)).toEqual([{ checking: true, failures: 1 }, { checking: false, failures: 2 }]);
    expect(opened).toBe(false);

    gate.retry();
    await answer(true);
    await gate.ready;
    expect(opened).toBe(true);
    expect(changes.slice(3)).toEqual([{ checking: true, failures: 2 }, null]);

    gate.retry(); // once open, retry does nothing
    expect(check).toHaveBeenCalledTimes(3);
  });

  it('counts a check that throws as a failure', async () => {
    const changes: (OfflineState | null)[] = [];
    new ReachabilityGate(() => Promise.reject(new Error('boom')), (s) => changes.push(s));
    await vi.waitFor(() => expect(changes).toEqual([{ checking: false, failures: 1 }]), { timeout: 1000 });
  });
});
