import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { after, before, describe, test } from 'node:test';
import { freePort, launchBrowser, openUser, selfId, startNginx, startServer, talkAndBeHeard, waitFor } from './harness.mjs';

/** A throwaway redis-server on loopback: the cluster's membership and SignalR's backplane. */
async function startRedis() {
  const port = await freePort();
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  await waitFor(async () => {
    const { createConnection } = await import('node:net');
    return new Promise((resolve) => {
      const socket = createConnection(port, '127.0.0.1', () => {
        socket.end();
        resolve(true);
      });
      socket.on('error', () => resolve(false));
    });
  }, { timeout: 10000, message: 'redis-server to listen' });
  return {
    address: `127.0.0.1:${port}`,
    stop: async () => {
      process.off('exit', killOnExit);
      if (child.exitCode === null) {
        const exited = once(child, 'exit');
        child.kill('SIGKILL');
        await exited;
      }
    },
  };
}

describe('a cluster of three nodes behind nginx', () => {
  let redis;
  let proxy;
  let browser;
  const nodes = [];
  const users = [];

  before(async () => {
    redis = await startRedis();
    const settings = {
      'Cluster:Redis': redis.address,
      'Cluster:AdvertisedAddress': '127.0.0.1',
      'Cluster:ClusterId': 'browser',
      'Resume:Key': 'browser-cluster-resume-key-0123456789ab',
      'TrustedProxies:0': '127.0.0.1',
    };
    nodes.push(...await Promise.all([0, 1, 2].map(async () => startServer({
      settings: { ...settings, 'Cluster:SiloPort': await freePort() },
      args: ['--Logging:LogLevel:Walkie.Server.Cluster=Debug'],
    }))));
    proxy = await startNginx({ upstreamPorts: nodes.map((n) => n.port) });
    browser = await launchBrowser({ extraArgs: ['--ignore-certificate-errors'] });
  });

  after(async () => {
    await Promise.all(users.map((u) => u.context.close().catch(() => {})));
    await browser?.close();
    await proxy?.stop();
    await Promise.all(nodes.map((n) => n.stop('SIGKILL').catch(() => {})));
    await redis?.stop();
  });

  /** The node a participant's connection is on: the one that logged their join last. */
  const nodeOf = (id) => nodes.findLastIndex((n) => n.output().includes(`${id} joined cluster on this node`));

  test('two users on different nodes hear each other, and again after the node of one is killed', async () => {
    const a = await openUser(browser, proxy.url, { name: 'A', channel: 'cluster' });
    users.push(a);
    const aId = await selfId(a);
    let aNode = -1;
    await waitFor(() => (aNode = nodeOf(aId)) >= 0, { timeout: 5000, message: "A's node to log the join" });
    // B goes straight to another node, so the two connections are on different nodes for certain.
    const bNode = (aNode + 1) % nodes.length;
    const b = await openUser(browser, nodes[bNode].url, { name: 'B', channel: 'cluster' });
    users.push(b);
    const bId = await selfId(b);
    assert.equal(nodeOf(bId), bNode);
    await talkAndBeHeard(a, b);
    await talkAndBeHeard(b, a);

    await nodes[aNode].stop('SIGKILL');
    const killed = Date.now();
    // A's client reconnects through nginx to a node that is up, and takes its seat back.
    await waitFor(() => nodes.some((n, i) => i !== aNode && n.output().includes(`${aId} joined cluster on this node`)), {
      timeout: 20000, message: 'A to be back on another node',
    });
    console.log(`A was back on another node ${Date.now() - killed} ms after its node was killed`);
    assert.equal(await selfId(a), aId, 'A came back under another id');
    await talkAndBeHeard(a, b);
    await talkAndBeHeard(b, a);
    console.log(`both heard each other again ${Date.now() - killed} ms after the kill`);
    assert.equal(await b.page.locator('#participants li', { hasText: 'A' }).count(), 1, 'B lists A twice');
  });
});
