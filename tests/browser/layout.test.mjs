import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { axeViolations, joinHeadless, launchBrowser, openUser, screenshot, startServer } from './harness.mjs';

// The longest names the server accepts, with no place to break a line.
const channel = 'operationsandlogisticscoordinationforthewholefestivalsiteandcrew';
const longName = (i) => `Wolfeschlegelsteinhausenberger${String.fromCharCode(65 + i).repeat(2)}`;
const viewports = [
  { width: 320, height: 640 },
  { width: 375, height: 812 },
  { width: 1280, height: 800 },
];

describe('layout of a full channel with long names', () => {
  let server;
  let browser;
  let user;
  const members = [];

  before(async () => {
    server = await startServer();
    browser = await launchBrowser();
  });

  after(async () => {
    await Promise.all(members.map((m) => m.stop().catch(() => {})));
    await user?.context.close().catch(() => {});
    await browser?.close();
    await server?.stop();
  });

  test('at 320, 375 and 1280 px nothing scrolls sideways and the talk button stays in view, in both themes', async () => {
    assert.equal(channel.length, 64);
    assert.equal(longName(0).length, 32);
    user = await openUser(browser, server.url, { channel, name: longName(0) });
    for (let i = 1; i < 16; i++) {
      members.push(await joinHeadless(server.url, { channel, name: longName(i) }));
    }
    const { page } = user;
    await page.getByRole('status').filter({ hasText: '16 people here' }).waitFor({ timeout: 10000 });
    // A talker with an unbroken 32-letter name: the headline every listener sees.
    await members[0].requestFloor();
    await page.getByText(`${longName(1)} is talking`).waitFor({ timeout: 5000 });

    for (const scheme of ['dark', 'light']) {
      await page.emulateMedia({ colorScheme: scheme });
      for (const viewport of viewports) {
        await page.setViewportSize(viewport);
        const m = await page.evaluate(() => {
          const root = document.documentElement;
          const box = document.getElementById('ptt').getBoundingClientRect();
          const list = document.getElementById('participants');
          return {
            scrollWidth: root.scrollWidth,
            clientWidth: root.clientWidth,
            ptt: { top: box.top, left: box.left, bottom: box.bottom, right: box.right },
            listScrolls: list.scrollHeight > list.clientHeight,
          };
        });
        const where = `${scheme} ${viewport.width}x${viewport.height}`;
        assert.ok(m.scrollWidth <= m.clientWidth, `${where}: the page scrolls sideways (${m.scrollWidth} > ${m.clientWidth})`);
        assert.ok(m.ptt.top >= 0 && m.ptt.left >= 0 && m.ptt.bottom <= viewport.height && m.ptt.right <= viewport.width,
          `${where}: the talk button is not in view: ${JSON.stringify(m.ptt)}`);
        assert.ok(m.listScrolls, `${where}: 16 people should make the list scroll, not the page`);
        await screenshot(page, `layout-16-long-names-${viewport.width}x${viewport.height}-${scheme}`);
      }
      // Contrast is part of axe's checks, so this covers each theme's colours.
      assert.deepEqual(await axeViolations(page), [], `axe in the ${scheme} theme`);
    }

    // Cut short on screen, whole for hover and for assistive technology.
    const item = page.getByRole('list', { name: 'Participants' }).getByRole('listitem').nth(1);
    assert.equal(await item.locator('.who').getAttribute('title'), longName(1));
    assert.match(await item.textContent(), new RegExp(longName(1)));
    assert.equal(await page.locator('#channel-title').getAttribute('title'), channel);
  });
});
