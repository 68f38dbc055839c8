import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { launchBrowser, startServer } from './harness.mjs';

// A name other than localhost makes the page an insecure context, as a LAN address over plain HTTP would be.
describe('a page opened over plain HTTP from another machine', () => {
  let server;
  let browser;

  before(async () => {
    server = await startServer();
    browser = await launchBrowser({ extraArgs: ['--host-resolver-rules=MAP walkie.test 127.0.0.1'] });
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  test('says HTTPS is needed for the microphone, links the HTTPS address, and still lets you listen', async () => {
    const context = await browser.newContext({ permissions: ['microphone'] });
    const page = await context.newPage();
    await page.goto(`http://walkie.test:${server.port}/c/lan`);
    assert.equal(await page.evaluate(() => window.isSecureContext), false);

    const note = page.getByRole('note');
    await note.getByText('This page needs HTTPS for the microphone.').waitFor({ timeout: 5000 });
    assert.equal(await note.getByRole('link').getAttribute('href'), `https://walkie.test:${server.port}/c/lan`);
    // How to get HTTPS on a LAN: the one command.
    await note.getByText('-- --lan').waitFor({ timeout: 2000 });

    await page.getByLabel('Your name').fill('Lan');
    await page.getByRole('button', { name: 'Join' }).click();
    await page.getByRole('status').filter({ hasText: 'Connected' }).waitFor({ timeout: 10000 });
    await page.getByText('browsers allow the microphone only on HTTPS pages').waitFor({ timeout: 2000 });
    assert.equal(await page.getByText('No microphone').count(), 0);
    await context.close();
  });
});
