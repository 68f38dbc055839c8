import assert from 'node:assert/strict';
import { after, afterEach, before, describe, test } from 'node:test';
import {
  energyOver, inboundEnergy, joinHeadless, launchBrowser, openUser, press, release, SILENT, startServer, waitConnected, waitFor, waitHears,
} from './harness.mjs';

// Records what the app asks of the phone: vibrations, screen wake locks and media-session (headset button) handlers.
const recordDeviceCalls = () => {
  window.__device = { vibrations: [], wakeLocks: 0, handlers: {} };
  navigator.vibrate = (pattern) => {
    window.__device.vibrations.push(pattern);
    return true;
  };
  Object.defineProperty(navigator, 'wakeLock', {
    value: {
      request: async (type) => {
        window.__device.wakeLocks++;
        window.__device.wakeLockType = type;
        return { release: async () => window.__device.wakeLocks--, addEventListener: () => {} };
      },
    },
  });
  const setActionHandler = navigator.mediaSession.setActionHandler.bind(navigator.mediaSession);
  navigator.mediaSession.setActionHandler = (action, handler) => {
    window.__device.handlers[action] = handler;
    setActionHandler(action, handler);
  };
};
const device = (user) => user.page.evaluate(() => ({ ...window.__device, handlers: Object.keys(window.__device.handlers) }));

const label = (user) => user.ptt.locator('.ptt-text').textContent();
const focused = (user) => user.page.evaluate(() => document.activeElement?.id || document.activeElement?.getAttribute('name') || document.activeElement?.tagName);

/** Presses Tab (or Shift+Tab) until the focused element matches; fails after `limit` presses. */
async function tabTo(user, predicate, { back = false, limit = 25 } = {}) {
  for (let i = 0; i < limit; i++) {
    if (await user.page.evaluate(predicate)) {
      return;
    }
    await user.page.keyboard.press(back ? 'Shift+Tab' : 'Tab');
  }
  throw new Error(`focus never reached ${predicate}`);
}

describe('talk modes, keyboard and assistive input', () => {
  let server;
  let browser;
  let users = [];

  before(async () => {
    // No queue, so a press while someone talks is refused (and the phone buzzes for it).
    server = await startServer({ settings: { FloorQueue: 'false' } });
    browser = await launchBrowser();
  });

  afterEach(async () => {
    await Promise.all(users.map((u) => u.context.close().catch(() => {})));
    users = [];
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  const join = async (name, channel, options = {}) => {
    const user = await openUser(browser, server.url, { name, channel, ...options });
    users.push(user);
    return user;
  };

  test('by keyboard only, a user picks the latched mode, talks with Enter, is heard, and stops with Enter', async () => {
    const a = await join('A', 'keys');
    const b = await join('B', 'keys');
    await waitConnected(b, 1);
    assert.equal(await focused(a), 'ptt', 'focus goes to the talk button after Join');

    // Settings: open the disclosure, enter the radio group, pick "Tap to start, tap to stop".
    await tabTo(a, () => document.activeElement?.tagName === 'SUMMARY');
    await a.page.keyboard.press('Enter');
    await tabTo(a, () => document.activeElement?.getAttribute('name') === 'talk-mode');
    await a.page.keyboard.press('ArrowDown');
    assert.equal(await a.page.locator('input[name="talk-mode"]:checked').getAttribute('value'), 'latch');
    await tabTo(a, () => document.activeElement?.id === 'ptt', { back: true });

    const baseline = await inboundEnergy(b.page);
    await a.page.keyboard.press('Enter');
    await b.page.locator('#talker').filter({ hasText: 'A is talking' }).waitFor({ timeout: 2000 });
    await waitHears(b, baseline);
    assert.equal(await label(a), 'Talking: tap to stop');
    assert.equal(await a.ptt.getAttribute('aria-pressed'), 'true');

    await a.page.keyboard.press('Enter');
    await b.page.locator('#talker').filter({ hasText: 'Channel clear' }).waitFor({ timeout: 2000 });
    assert.equal(await label(a), 'Push to talk');
    assert.equal(await a.ptt.getAttribute('aria-pressed'), 'false');
    await energyOver(b, 300);
    assert.ok((await energyOver(b, 1000)) < SILENT, 'B still hears A after A tapped stop');

    // The choice is remembered.
    await a.page.reload();
    await a.page.getByRole('status').filter({ hasText: 'Connected' }).waitFor({ timeout: 10000 });
    assert.equal(await a.page.locator('input[name="talk-mode"]:checked').getAttribute('value'), 'latch');
  });

  test('in hold mode the Space bar talks after clicking the Sounds switch or a volume slider, and Enter toggles', async () => {
    const a = await join('A', 'space');
    const b = await join('B', 'space');
    await waitConnected(b, 1);
    await a.page.getByText('Settings').click();
    const sounds = a.page.getByLabel('Sounds');
    await sounds.click();
    const soundsOn = await sounds.isChecked();

    for (const focusOn of ['sounds', 'slider']) {
      if (focusOn === 'slider') {
        await a.page.getByRole('slider', { name: 'Volume for B' }).click();
      }
      const baseline = await inboundEnergy(b.page);
      await a.page.keyboard.down('Space');
      await b.page.locator('#talker').filter({ hasText: 'A is talking' }).waitFor({ timeout: 2000 });
      await waitHears(b, baseline);
      assert.equal(await label(a), 'Talking: release to stop', `Space after focusing the ${focusOn}`);
      await a.page.keyboard.up('Space');
      await b.page.locator('#talker').filter({ hasText: 'Channel clear' }).waitFor({ timeout: 2000 });
    }
    assert.equal(await sounds.isChecked(), soundsOn, 'the Space bar toggled the Sounds switch');

    // Enter on the focused button (like a screen reader's activation) toggles even in hold mode.
    await a.ptt.focus();
    await a.page.keyboard.press('Enter');
    await b.page.locator('#talker').filter({ hasText: 'A is talking' }).waitFor({ timeout: 2000 });
    await a.page.keyboard.press('Enter');
    await b.page.locator('#talker').filter({ hasText: 'Channel clear' }).waitFor({ timeout: 2000 });
  });

  test('in the background: the title names the talker, the screen stays on, the phone buzzes, a headset button talks', async () => {
    const a = await join('A', 'phone', { init: recordDeviceCalls });
    const bob = await joinHeadless(server.url, { channel: 'phone', name: 'Bob' });
    try {
      await a.page.getByRole('status').filter({ hasText: '2 people here' }).waitFor({ timeout: 5000 });
      assert.equal((await device(a)).wakeLocks, 1, 'a screen wake lock is held in the channel');
      assert.equal((await device(a)).wakeLockType, 'screen');

      await bob.requestFloor();
      await waitFor(() => a.page.title().then((t) => t === '● Bob is talking'), { timeout: 2000, message: 'the title to name Bob' });
      // Pressing while Bob talks is refused: the button says so, and the phone buzzes three times.
      await press(a);
      await waitFor(() => label(a).then((l) => l === 'Busy'), { timeout: 2000, message: 'Busy' });
      assert.deepEqual((await device(a)).vibrations, [[60, 60, 60]]);
      await release(a);
      await bob.releaseFloor();
      await waitFor(() => a.page.title().then((t) => t === '#phone · Walkie'), { timeout: 2000, message: 'the title to clear' });

      // Latched mode: the headset's play/pause taps the button; a grant buzzes once.
      await a.page.getByText('Settings').click();
      await a.page.getByLabel('Tap to start, tap to stop').check();
      assert.deepEqual((await device(a)).handlers.sort(), ['pause', 'play', 'togglemicrophone']);
      await a.page.evaluate(() => window.__device.handlers.pause({ action: 'pause' }));
      await waitFor(() => label(a).then((l) => l === 'Talking: tap to stop'), { timeout: 2000, message: 'talking after the headset button' });
      assert.deepEqual((await device(a)).vibrations.at(-1), 40);
      assert.equal(await a.page.title(), '● You are talking');
      await a.page.evaluate(() => window.__device.handlers.play({ action: 'play' }));
      await waitFor(() => label(a).then((l) => l === 'Push to talk'), { timeout: 2000, message: 'stopped by the headset button' });

      await a.page.getByRole('button', { name: 'Leave' }).click();
      await waitFor(() => device(a).then((d) => d.wakeLocks === 0), { timeout: 2000, message: 'the wake lock to be released' });
    } finally {
      await bob.stop();
    }
  });

  test('a second "ann" is told she joined as "ann 2", and the notice clears itself', async () => {
    const first = await joinHeadless(server.url, { channel: 'names', name: 'ann' });
    try {
      const ann = await join('ann', 'names');
      const notice = ann.page.locator('#notice');
      await notice.filter({ hasText: 'Someone here is already called ann, so you are ann 2.' }).waitFor({ timeout: 2000 });
      await waitFor(async () => (await notice.textContent()) === '', { timeout: 12000, message: 'the notice to clear' });
    } finally {
      await first.stop();
    }
  });
});
