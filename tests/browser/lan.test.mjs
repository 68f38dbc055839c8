import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { networkInterfaces, tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { connect } from 'node:tls';
import { PNG } from 'pngjs';
import { freePort, launchBrowser, openUser, startServer, talkAndBeHeard, waitFor } from './harness.mjs';

/** The certificate a TLS server presents, as Node reads it (no verification: it is self-signed on purpose). */
function servedCertificate(host, port) {
  return new Promise((resolve, reject) => {
    const socket = connect({ host, port, rejectUnauthorized: false, servername: undefined }, () => {
      const certificate = socket.getPeerCertificate();
      socket.end();
      resolve(certificate);
    });
    socket.on('error', reject);
  });
}

/**
 * The QR code printed after "Scan to open URL:", turned back into an image: each character cell is two modules
 * (half blocks), drawn light, the blank ones dark, as a terminal shows them.
 */
function qrImageFrom(output) {
  const lines = output.split('\n');
  const start = lines.findIndex((l) => l.startsWith('Scan to open ')) + 2;
  const rows = [];
  for (let i = start; i < lines.length && /^[█▀▄ ]+$/.test(lines[i]); i++) {
    rows.push([...lines[i]]);
  }
  assert.ok(rows.length > 10, `no QR code in the output:\n${output}`);
  const scale = 6;
  const width = rows[0].length;
  const png = new PNG({ width: width * scale, height: rows.length * 2 * scale });
  const light = (ch, half) => ch === '█' || (half === 0 ? ch === '▀' : ch === '▄');
  for (let y = 0; y < png.height; y++) {
    for (let x = 0; x < png.width; x++) {
      const ch = rows[Math.floor(y / (2 * scale))][Math.floor(x / scale)] ?? ' ';
      const value = light(ch, Math.floor(y / scale) % 2) ? 255 : 0;
      const i = (y * png.width + x) * 4;
      png.data[i] = png.data[i + 1] = png.data[i + 2] = value;
      png.data[i + 3] = 255;
    }
  }
  return PNG.sync.write(png);
}

const nonLoopbackIPv4 = () =>
  Object.values(networkInterfaces()).flat().filter((a) => a.family === 'IPv4' && !a.internal).map((a) => a.address);

describe('LAN mode: HTTPS for phones on the same network', () => {
  const dataHome = mkdtempSync(join(tmpdir(), 'walkie-lan-'));
  let httpsPort;
  let server;
  let browser;
  let lanUrl;
  const users = [];

  const start = async () => {
    server = await startServer({ args: ['--lan', `--Walkie:Lan:Port=${httpsPort}`], env: { XDG_DATA_HOME: dataHome } });
    return waitFor(() => /https:\/\/\d+\.\d+\.\d+\.\d+:\d+\//.exec(server.output())?.[0], { timeout: 5000, message: 'the LAN address in the output' });
  };

  before(async () => {
    assert.ok(nonLoopbackIPv4().length > 0, 'this machine needs a non-loopback IPv4 address for LAN mode');
    httpsPort = await freePort();
    lanUrl = await start();
  });

  after(async () => {
    await Promise.all(users.map((u) => u.context.close().catch(() => {})));
    await browser?.close();
    await server?.stop();
    rmSync(dataHome, { recursive: true, force: true });
  });

  test("it prints this machine's address, and the certificate it serves names it", async () => {
    const { hostname, port } = new URL(lanUrl);
    assert.ok(nonLoopbackIPv4().includes(hostname), `${hostname} is not one of this machine's addresses`);
    assert.equal(Number(port), httpsPort);
    const certificate = await servedCertificate(hostname, httpsPort);
    const names = certificate.subjectaltname.split(', ');
    for (const address of nonLoopbackIPv4()) {
      assert.ok(names.includes(`IP Address:${address}`), `the certificate does not name ${address}: ${certificate.subjectaltname}`);
    }
  });

  test('the QR code in the terminal decodes back to that address', () => {
    const image = join(dataHome, 'qr.png');
    writeFileSync(image, qrImageFrom(server.output()));
    const decoded = execFileSync('zbarimg', ['--raw', '-q', image], { encoding: 'utf8' }).trim();
    assert.equal(decoded, lanUrl);
  });

  test('Chromium on the HTTPS address is a secure context, gets its microphone, and is heard by a second user', async () => {
    // Stands in for the one-time "proceed" each phone does for Walkie's own certificate.
    browser = await launchBrowser({ extraArgs: ['--ignore-certificate-errors'] });
    const base = lanUrl.replace(/\/$/, '');
    const a = await openUser(browser, base, { channel: 'lan', name: 'A' });
    users.push(a);
    const b = await openUser(browser, base, { channel: 'lan', name: 'B' });
    users.push(b);
    assert.equal(await a.page.evaluate(() => window.isSecureContext), true);
    assert.equal(await a.page.evaluate(() => location.protocol), 'https:');
    assert.equal(await a.ptt.locator('.ptt-text').textContent(), 'Push to talk', 'A has a microphone');
    assert.equal(await a.page.locator('#insecure').isVisible(), false);
    await talkAndBeHeard(a, b);
  });

  test('a second start serves the same certificate, so phones accept it only once', async () => {
    const file = join(dataHome, 'Walkie', 'lan-certificate.pfx');
    const { hostname } = new URL(lanUrl);
    const before = await servedCertificate(hostname, httpsPort);
    const written = statSync(file).mtimeMs;
    await server.stop();
    await start();
    const again = await servedCertificate(hostname, httpsPort);
    assert.equal(again.fingerprint256, before.fingerprint256);
    assert.equal(statSync(file).mtimeMs, written, 'the certificate file was rewritten');
    assert.equal(createHash('sha256').update(again.raw).digest('hex'), createHash('sha256').update(before.raw).digest('hex'));
  });
});
