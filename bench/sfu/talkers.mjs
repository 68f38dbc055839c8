// The talkers: the real client in headless Chromium, pressing Push to talk through the page as a person would.
import { openUser, press, release, waitConnected, waitFor } from '../../tests/browser/harness.mjs';

/** Wall-clock times of a User Timing mark the app set (docs/BENCHMARKS.md). */
function marks(page, name) {
  return page.evaluate((n) => performance.getEntriesByName(n).map((e) => performance.timeOrigin + e.startTime), name);
}

// The app marks a press but not a release; the page's own pointerup time is when the talk ended, without the delay of
// reporting it back to Node.
const stampReleases = () => {
  window.addEventListener('pointerup', () => { window.__releasedAt = performance.timeOrigin + performance.now(); }, true);
};

/** Joins through the UI and waits for both SFU connections (publisher and listener) to be up. */
export async function openTalker(browser, url, { channel, name }) {
  const user = await openUser(browser, url, { channel, name, init: stampReleases });
  await waitConnected(user, 2);
  return user;
}

/**
 * Presses and waits until the app is on air. Returns t0, when the app got the grant (`walkie:answer`), and the press
 * itself (`walkie:press`), both wall-clock ms.
 */
export async function beginTalk(talker) {
  await talker.page.evaluate(() => performance.clearMarks());
  await press(talker);
  await waitFor(async () => (await marks(talker.page, 'walkie:on-air')).length > 0, {
    timeout: 5000, interval: 10, message: `${talker.name} to be on air`,
  });
  const [pressed] = await marks(talker.page, 'walkie:press');
  const [granted] = await marks(talker.page, 'walkie:answer');
  return { talker: talker.name, pressedAt: pressed, t0: granted };
}

/** Lets go; returns when the page saw the release (wall-clock ms). */
export async function endTalk(talker) {
  await talker.page.evaluate(() => { window.__releasedAt = null; });
  await release(talker);
  return waitFor(() => talker.page.evaluate(() => window.__releasedAt), { timeout: 5000, interval: 10, message: `${talker.name}'s page to see the release` });
}

/** Audio packets the page has sent so far, and when (wall-clock ms, the middle of the getStats call). */
export function packetsSent(talker) {
  return talker.page.evaluate(async () => {
    const before = performance.timeOrigin + performance.now();
    let packets = 0;
    for (const pc of window.__pcs.filter((p) => p.connectionState !== 'closed')) {
      (await pc.getStats()).forEach((r) => {
        if (r.type === 'outbound-rtp' && r.kind === 'audio') {
          packets += r.packetsSent ?? 0;
        }
      });
    }
    return { packets, at: (before + performance.timeOrigin + performance.now()) / 2 };
  });
}
