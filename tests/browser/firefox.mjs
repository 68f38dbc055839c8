// Firefox ESR for Walkie's browser tests, driven by Puppeteer over WebDriver BiDi (Playwright's Firefox support
// expects its own patched build, which cannot be downloaded here). Pages get the same init scripts as Chromium's, so the audio helpers in
// harness.mjs read their stats unchanged.
import puppeteer from 'puppeteer-core';
import { collectCspViolations, collectPeerConnections, waitFor } from './harness.mjs';

/**
 * Firefox preferences for audio tests: a fake microphone granted without a prompt, playback without a gesture, host
 * candidates shown as addresses (no mDNS names, which would go out as multicast), and nothing that phones home.
 * Puppeteer's own profile already turns off updates, safe browsing, health reports and blocklist fetches.
 */
const firefoxPrefs = {
  'media.navigator.streams.fake': true,
  'media.navigator.permission.disabled': true,
  'media.autoplay.default': 0,
  'media.peerconnection.ice.loopback': true,
  'media.peerconnection.ice.obfuscate_host_addresses': false,
  'app.update.enabled': false,
  'app.update.auto': false,
  'toolkit.telemetry.enabled': false,
  'toolkit.telemetry.unified': false,
  'toolkit.telemetry.server': '',
  'datareporting.policy.dataSubmissionEnabled': false,
  'browser.ping-centre.telemetry': false,
  'network.captive-portal-service.enabled': false,
  'network.connectivity-service.enabled': false,
  'network.dns.disablePrefetch': true,
  'network.prefetch-next': false,
  'network.trr.mode': 5,
  // Puppeteer points Mozilla's services at dummy.test; resolve that locally, so not even a DNS query leaves.
  'network.dns.localDomains': 'dummy.test',
  'browser.region.network.url': '',
  'browser.region.update.enabled': false,
  'extensions.systemAddon.update.enabled': false,
  'extensions.blocklist.enabled': false,
  'browser.newtabpage.activity-stream.feeds.snippets': false,
  'messaging-system.rsexperimentloader.enabled': false,
  'app.shield.optoutstudies.enabled': false,
  'geo.enabled': false,
};

/** Launches headless Firefox ESR over WebDriver BiDi (puppeteer-core), with a fake microphone. */
export function launchFirefox({ prefs = {} } = {}) {
  return puppeteer.launch({
    browser: 'firefox',
    executablePath: process.env.FIREFOX_PATH ?? '/usr/bin/firefox-esr',
    headless: true,
    // Release builds ignore the remote-settings server pref, and so keep fetching from Mozilla, unless this is set.
    env: { ...process.env, MOZ_REMOTE_SETTINGS_DEVTOOLS: '1' },
    extraPrefsFirefox: { ...firefoxPrefs, ...prefs },
  });
}

/**
 * One person in Firefox (a Puppeteer browser from launchFirefox): the same init scripts and join flow as openUser.
 * `ptt` is an element handle, so press/release and the audio helpers work unchanged. Console errors and warnings
 * are printed, since they are what tells why the app misbehaves in Firefox.
 */
export async function openFirefoxUser(browser, base, { channel = 'test', name } = {}) {
  const context = await browser.createBrowserContext();
  const page = await context.newPage();
  page.on('pageerror', (e) => console.error(`[${name}] page error`, e));
  page.on('console', (m) => ['error', 'warn'].includes(m.type()) && console.error(`[${name}] console ${m.type()}: ${m.text()}`));
  await page.evaluateOnNewDocument(collectPeerConnections);
  await page.evaluateOnNewDocument(collectCspViolations);
  await page.goto(`${base}/c/${channel}`);
  await page.type('#name', name);
  await page.click('#join');
  await waitText(page, '#status', 'Connected', 10000);
  return { name, page, context, ptt: await page.$('#ptt') };
}

/** Waits until the element's text contains `text` (for Puppeteer pages, which have no getByText). */
export async function waitText(page, selector, text, timeout = 2000) {
  await waitFor(() => page.evaluate((s, t) => document.querySelector(s)?.textContent.includes(t) ?? false, selector, text), {
    timeout,
    message: `"${text}" in ${selector}`,
  });
}
