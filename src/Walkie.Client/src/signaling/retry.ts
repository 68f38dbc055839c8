/** How long to keep trying before telling the person the server is gone. */
export const giveUpAfterMs = 120_000;

/**
 * The wait before reconnect attempt `attempt` (0 first), `elapsedMs` into the outage, or null to give up.
 * A restarting server is back within seconds and then everyone reconnects at once, so for the first 30 s attempts
 * stay about a second apart; each wait is spread by ±25 % (the first over 0–250 ms) so clients do not arrive
 * together. Later attempts slow down, and after two minutes the page says the server is gone.
 */
export function nextRetryDelayMs(attempt: number, elapsedMs: number, random: () => number = Math.random): number | null {
  if (elapsedMs > giveUpAfterMs) {
    return null;
  }
  if (attempt === 0) {
    return Math.round(250 * random());
  }
  const base = elapsedMs < 30_000 ? Math.min(1000, 250 * 2 ** (attempt - 1)) : elapsedMs < 60_000 ? 2000 : 5000;
  return Math.round(base * (0.75 + 0.5 * random()));
}
