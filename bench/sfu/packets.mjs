// What one listener's packet arrival times say about a talk. Times are sorted: they are pushed as packets arrive.

/** Index of the first time >= t. */
function firstAtOrAfter(times, t) {
  let lo = 0;
  let hi = times.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (times[mid] < t) {
      lo = mid + 1;
    } else {
      hi = mid;
    }
  }
  return lo;
}

/** Packets that arrived in [from, to). */
export function countBetween(times, from, to) {
  return Math.max(0, firstAtOrAfter(times, to) - firstAtOrAfter(times, from));
}

/**
 * The first packet after t0 (and before `until`) that follows at least `gapMs` of silence: the start of the new
 * talker's audio, not a late packet still trickling in from the talk before. Null when no such packet came.
 */
export function firstAfterGap(times, t0, until, gapMs) {
  for (let i = firstAtOrAfter(times, t0); i < times.length && times[i] < until; i++) {
    if (i === 0 || times[i] - times[i - 1] >= gapMs) {
      return times[i];
    }
  }
  return null;
}

/** The last packet before `until`, or null: how long a talk's audio kept coming after its release. */
export function lastBefore(times, until) {
  const i = firstAtOrAfter(times, until) - 1;
  return i >= 0 ? times[i] : null;
}

/**
 * One listener's view of a step: per talk its first packet, its count in the talk's window and its last packet after
 * the release; and the packets that came while nobody talked.
 */
export function summarise(times, { talks, idle, gapMs }) {
  return {
    first: talks.map((t) => firstAfterGap(times, t.t0, t.until, gapMs)),
    counts: talks.map((t) => countBetween(times, t.from, t.to)),
    tails: talks.map((t) => {
      const last = lastBefore(times, t.until);
      return last === null || last < t.t0 ? null : last - t.releasedAt;
    }),
    idlePackets: idle.reduce((n, w) => n + countBetween(times, w.from, w.to), 0),
  };
}
