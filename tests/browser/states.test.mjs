import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { axeViolations, joinHeadless, launchBrowser, openUser, screenshot, startServer, waitConnected, waitFor } from './harness.mjs';

const layouts = [
  { tag: 'phone', viewport: { width: 375, height: 812 } },
  { tag: 'desktop', viewport: { width: 1280, height: 800 } },
];

/** Screenshots of a page in every layout and theme, and axe-core in both themes: 0 violations. */
async function capture(page, state, { axe = true } = {}) {
  for (const scheme of ['dark', 'light']) {
    await page.emulateMedia({ colorScheme: scheme });
    for (const { tag, viewport } of layouts) {
      await page.setViewportSize(viewport);
      await screenshot(page, `state-${state}-${tag}-${scheme}`);
    }
    if (axe) {
      assert.deepEqual(await axeViolations(page), [], `axe on the ${state} view, ${scheme} theme`);
    }
  }
}

// Every write to a live region, in order: screen readers read each one, so a region may only change when its text does.
const watchLiveRegions = () => {
  window.__live = [];
  new MutationObserver((records) => {
    for (const r of records) {
      const element = r.target.nodeType === 1 ? r.target : r.target.parentElement;
      const region = element?.closest('[aria-live], [role="status"], [role="alert"]');
      if (region) {
        window.__live.push({ id: region.id, text: region.textContent });
      }
    }
  }).observe(document, { subtree: true, childList: true, characterData: true });
};

const label = (user) => user.ptt.locator('.ptt-text').textContent();
const waitLabel = (user, text, timeout = 3000) =>
  waitFor(async () => (await label(user)) === text, { timeout, message: `${user.name}'s button to say "${text}"` });

describe('every state of the channel view, phone and desktop, light and dark', () => {
  let server;
  let browser;
  let deniedBrowser;
  const users = [];

  before(async () => {
    // A queue of one, so a third presser is refused; a short limit, so a long press is cut off.
    // Ben, granted when Ann's limit cuts her off, must still be talking once the four captures below are done: with
    // axe on each, they can take longer than one limit on a loaded machine.
    server = await startServer({ settings: { MaxFloorQueue: '1', TransmitLimit: '00:00:10' } });
    browser = await launchBrowser();
    deniedBrowser = await launchBrowser({ microphone: false });
  });

  after(async () => {
    await Promise.all(users.map((u) => u.context.close().catch(() => {})));
    await browser?.close();
    await deniedBrowser?.close();
    await server?.stop();
  });

  test('landing, idle, talking, waiting, busy, time is up and listen only: screenshots and no axe violations', async () => {
    const landing = await openUser(browser, server.url, { channel: 'crew' });
    users.push(landing);
    await capture(landing.page, 'landing');

    // A protected channel joined without its passcode: the prompt on the passcode field.
    const owner = await joinHeadless(server.url, { channel: 'locked', name: 'Owner', passcode: 'correct horse battery' });
    try {
      const prompted = await openUser(browser, server.url, { channel: 'locked' });
      users.push(prompted);
      await prompted.page.getByLabel('Your name').fill('Eve');
      await prompted.page.getByRole('button', { name: 'Join' }).click();
      await prompted.page.locator('#passcode-error').filter({ hasText: /passcode/ }).waitFor({ timeout: 5000 });
      await capture(prompted.page, 'passcode-prompt');
    } finally {
      await owner.stop();
    }

    const join = async (name, options = {}) => {
      const user = await openUser(options.microphone === false ? deniedBrowser : browser, server.url, { channel: 'crew', name, ...options });
      users.push(user);
      return user;
    };
    const ann = await join('Ann', { init: watchLiveRegions });
    const ben = await join('Ben');
    const cat = await join('Cat');
    const dev = await join('Dev', { microphone: false });
    await waitConnected(ann, 3);
    await capture(ann.page, 'idle');
    // Open, so axe checks the settings too (it skips what is hidden).
    await ann.page.getByText('Settings').click();
    await capture(ann.page, 'settings');
    await ann.page.getByText('Settings').click();
    await ann.page.getByRole('button', { name: 'Share' }).click();
    const share = ann.page.getByRole('dialog', { name: 'Share this channel' });
    await share.waitFor({ timeout: 2000 });
    await capture(ann.page, 'share');
    await share.getByRole('button', { name: 'Close' }).click();
    await share.waitFor({ state: 'hidden', timeout: 2000 });
    await waitLabel(dev, 'Listen only');
    await capture(dev.page, 'listen-only', { axe: false });

    // Space-bar holds: they survive the viewport and theme changes the screenshots make.
    await ann.page.keyboard.down('Space');
    await waitLabel(ann, 'Talking: release to stop');
    await ben.page.keyboard.down('Space');
    await waitLabel(ben, 'Waiting: you are #1');
    await cat.page.keyboard.down('Space');
    await waitLabel(cat, 'Busy');
    await capture(ann.page, 'talking');
    await capture(ben.page, 'queued');
    await capture(cat.page, 'busy', { axe: false });
    await capture(dev.page, 'listening', { axe: false });

    await waitLabel(ann, 'Time is up: release', 15000);
    await waitLabel(ben, 'Talking: release to stop');
    await capture(ann.page, 'time-is-up', { axe: false });
    for (const user of [ann, ben, cat]) {
      await user.page.keyboard.up('Space');
    }
    await waitLabel(ann, 'Push to talk');

    // Ann pressed, talked with the countdown running, was cut off and let go: each live region was written only when
    // its text changed, and the hidden announcer only a handful of times (not with each second of the countdown).
    const writes = await ann.page.evaluate(() => window.__live);
    const byRegion = {};
    for (const w of writes) {
      (byRegion[w.id] ??= []).push(w);
    }
    for (const [id, list] of Object.entries(byRegion)) {
      list.forEach((w, i) => assert.ok(i === 0 || w.text !== list[i - 1].text, `#${id} was rewritten with the same text "${w.text}"`));
    }
    assert.ok((byRegion.announcer ?? []).length <= 4, `the announcer chattered: ${JSON.stringify(byRegion.announcer)}`);
    assert.ok((byRegion.announcer ?? []).some((w) => w.text === 'Your turn was cut off at the time limit'), 'the cut-off was announced');
  });
});
