import assert from 'node:assert/strict';
import { once } from 'node:events';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { after, before, describe, test } from 'node:test';
import WebSocket from 'ws';
import { launchBrowser, openUser, startNginx, startServer, talkAndBeHeard, waitFor } from './harness.mjs';

const HANDSHAKE = '{"protocol":"json","version":1}\u001e';
const PING = '{"type":6}\u001e';

/**
 * Opens the hub's WebSocket through nginx from one loopback source address. Resolves with the HTTP status: 101 for
 * an accepted connection, which stays open (SignalR handshake done, pinging) until `closeAll`, or the refusal's.
 */
function openHub(base, { from, headers = {} }, open) {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`${base.replace('https:', 'wss:')}/hubs/channel`, {
      localAddress: from,
      headers,
      rejectUnauthorized: false,
      handshakeTimeout: 5000,
    });
    ws.on('unexpected-response', (req, res) => {
      res.resume();
      req.destroy();
      resolve(res.statusCode);
    });
    ws.on('error', reject);
    ws.on('open', () => {
      ws.send(HANDSHAKE);
      // The server closes a connection that stays silent for its client timeout; these must outlive the test's steps.
      const pings = setInterval(() => ws.send(PING), 2000);
      ws.on('close', () => clearInterval(pings));
      open.push(ws);
      ws.once('message', (data) => (String(data) === `{}\u001e` ? resolve(101) : reject(new Error(`handshake answered ${data}`))));
    });
  });
}

async function closeAll(sockets) {
  await Promise.all(sockets.splice(0).map(async (ws) => {
    if (ws.readyState !== WebSocket.CLOSED) {
      ws.terminate();
      await once(ws, 'close');
    }
  }));
}

/** A GET with a deadline, to nginx's self-signed HTTPS or its plain HTTP port; resolves with status, headers, body. */
function fetchInsecure(url) {
  return new Promise((resolve, reject) => {
    const send = url.startsWith('https:') ? httpsRequest : httpRequest;
    const req = send(url, { rejectUnauthorized: false, timeout: 5000 }, (res) => {
      let body = '';
      res.on('data', (d) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body }));
    });
    req.on('timeout', () => req.destroy(new Error(`no answer from ${url} within 5 s`)));
    req.on('error', reject);
    req.end();
  });
}

describe('behind nginx with TLS, using the shipped deploy/nginx/walkie.conf', () => {
  let trusting;
  let untrusting;
  let proxy;
  let proxyUntrusted;
  let browser;
  const contexts = [];
  const sockets = [];

  before(async () => {
    // Each Walkie allows 2 hub connections per address, so a third from one address shows whose address counted.
    trusting = await startServer({ settings: { 'TrustedProxies:0': '127.0.0.1', MaxConnectionsPerAddress: 2 } });
    untrusting = await startServer({ settings: { MaxConnectionsPerAddress: 2 } });
    proxy = await startNginx({ upstreamPort: trusting.port });
    proxyUntrusted = await startNginx({ upstreamPort: untrusting.port });
    browser = await launchBrowser({ extraArgs: ['--ignore-certificate-errors'] });
  });

  after(async () => {
    await closeAll(sockets);
    await Promise.all(contexts.map((c) => c.close().catch(() => {})));
    await browser?.close();
    await proxy?.stop();
    await proxyUntrusted?.stop();
    await trusting?.stop();
    await untrusting?.stop();
  });

  test('plain HTTP redirects to HTTPS, and /healthz answers through the proxy', async () => {
    const redirect = await fetchInsecure(`${proxy.httpUrl}/c/proxy`);
    assert.equal(redirect.status, 301);
    assert.equal(redirect.headers.location, 'https://127.0.0.1/c/proxy');
    const health = await fetchInsecure(`${proxy.url}/healthz`);
    assert.equal(health.status, 200);
    assert.equal(health.body, 'ok');
    assert.match(health.headers['strict-transport-security'] ?? '', /max-age=\d+/);
  });

  test('two browsers join over HTTPS through nginx and hear each other', async () => {
    const a = await openUser(browser, proxy.url, { name: 'A', channel: 'proxy' });
    const b = await openUser(browser, proxy.url, { name: 'B', channel: 'proxy' });
    contexts.push(a.context, b.context);
    assert.equal(await a.page.evaluate(() => window.isSecureContext && location.protocol), 'https:');
    await talkAndBeHeard(a, b);
    await talkAndBeHeard(b, a);
    await a.context.close();
    await b.context.close();
    // Each page's hub connection was a WebSocket upgraded through nginx, logged when it closed.
    await waitFor(() => (proxy.accessLog().match(/"GET \/hubs\/channel[^"]*" 101 /g) ?? []).length >= 2, {
      timeout: 10000,
      message: 'nginx to log both hub WebSockets as upgraded (101)',
    });
  });

  test('a trusting Walkie caps each client address behind nginx; an untrusting one caps nginx itself', async () => {
    const through = (server, from, headers) => openHub(server.url, { from, headers }, sockets);

    assert.equal(await through(proxy, '127.0.0.2'), 101);
    assert.equal(await through(proxy, '127.0.0.2'), 101);
    assert.equal(await through(proxy, '127.0.0.3'), 101, 'another client behind the proxy has its own cap');
    assert.equal(await through(proxy, '127.0.0.3'), 101);
    assert.equal(await through(proxy, '127.0.0.2'), 429, "127.0.0.2's third connection");

    // A client's own X-Forwarded-For is kept, but nginx appends the real address and Walkie counts only that.
    const spoof = (address) => ({ 'X-Forwarded-For': address });
    assert.equal(await through(proxy, '127.0.0.4', spoof('10.9.9.9')), 101);
    assert.equal(await through(proxy, '127.0.0.4', spoof('10.9.9.9')), 101);
    assert.equal(await through(proxy, '127.0.0.4', spoof('10.9.9.8')), 429, 'a made-up X-Forwarded-For escaped the cap');
    assert.equal(await through(proxy, '127.0.0.5', spoof('127.0.0.4')), 101, 'a made-up X-Forwarded-For counted against another address');

    await closeAll(sockets);
    assert.equal(await through(proxyUntrusted, '127.0.0.2'), 101);
    assert.equal(await through(proxyUntrusted, '127.0.0.3'), 101);
    assert.equal(await through(proxyUntrusted, '127.0.0.6'), 429, 'without trust, everyone behind nginx shares its address');
  });
});
