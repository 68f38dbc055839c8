import assert from 'node:assert/strict';
import { createHmac, randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { inboundEnergy, launchBrowser, openUser, press, release, startCoturn, startServer, waitConnected, waitHears } from './harness.mjs';

/** The TURN REST credential coturn expects, computed independently of Walkie. */
function credential(secret, expiresAtSeconds, participant = 'p-test') {
  const username = `${expiresAtSeconds}:${participant}`;
  return { username, credential: createHmac('sha1', secret).update(username).digest('base64') };
}

/** Candidate types a relay-only connection gathers with the given TURN server. */
function gatherRelay(page, iceServers) {
  return page.evaluate(async (servers) => {
    const pc = new RTCPeerConnection({ iceServers: servers, iceTransportPolicy: 'relay' });
    pc.addTransceiver('audio');
    const types = [];
    pc.onicecandidate = (e) => e.candidate && types.push(e.candidate.type);
    const complete = new Promise((resolve) => {
      pc.onicegatheringstatechange = () => pc.iceGatheringState === 'complete' && resolve();
    });
    await pc.setLocalDescription();
    await Promise.race([complete, new Promise((resolve) => setTimeout(resolve, 8000))]);
    pc.close();
    return types;
  }, iceServers);
}

/** Local and remote candidate types of every connection's selected candidate pair. */
function selectedPairs(page) {
  return page.evaluate(async () => {
    const pairs = [];
    for (const pc of window.__pcs.filter((p) => p.connectionState === 'connected')) {
      const stats = [...(await pc.getStats()).values()];
      const transport = stats.find((s) => s.type === 'transport');
      const pair = stats.find((s) => s.id === transport?.selectedCandidatePairId);
      const type = (id) => stats.find((s) => s.id === id)?.candidateType;
      pairs.push([type(pair?.localCandidateId), type(pair?.remoteCandidateId)]);
    }
    return pairs;
  });
}

describe('TURN relay through a real coturn', () => {
  const secret = randomBytes(24).toString('hex');
  let coturn;
  let server;
  let browser;
  const contexts = [];

  before(async () => {
    coturn = await startCoturn({ secret });
    server = await startServer({
      settings: {
        'Turn:Enabled': 'true',
        'Turn:Urls:0': `${coturn.url}?transport=udp`,
        'Turn:Urls:1': `${coturn.url}?transport=tcp`,
        'Turn:Secret': secret,
        IceTransportPolicy: 'relay',
      },
    });
    browser = await launchBrowser();
  });

  after(async () => {
    await Promise.all(contexts.map((c) => c.close().catch(() => {})));
    await browser?.close();
    await server?.stop();
    await coturn?.stop();
  });

  test('with relay-only policy, audio flows and both ends use relay candidates', async () => {
    const a = await openUser(browser, server.url, { name: 'A', channel: 'relay' });
    const b = await openUser(browser, server.url, { name: 'B', channel: 'relay' });
    contexts.push(a.context, b.context);
    await waitConnected(a, 1);
    await waitConnected(b, 1);

    const baseline = await inboundEnergy(b.page);
    await press(a);
    await waitHears(b, baseline);
    await release(a);

    assert.deepEqual(await selectedPairs(a.page), [['relay', 'relay']]);
    assert.deepEqual(await selectedPairs(b.page), [['relay', 'relay']]);
    assert.ok(!server.output().includes(secret), 'the TURN secret appeared in the server log');
  });

  test('coturn refuses forged and expired credentials', async () => {
    const user = await openUser(browser, server.url, { channel: 'x' });
    contexts.push(user.context);
    const now = Math.floor(Date.now() / 1000);
    const turn = (c) => [{ urls: `${coturn.url}?transport=udp`, ...c }];

    const valid = await gatherRelay(user.page, turn(credential(secret, now + 600)));
    assert.ok(valid.includes('relay'), `a valid credential gathered no relay candidate: ${valid}`);

    const forged = await gatherRelay(user.page, turn(credential('not-the-secret', now + 600)));
    assert.deepEqual(forged, [], 'a forged credential got a relay allocation');

    const expired = await gatherRelay(user.page, turn(credential(secret, now - 60)));
    assert.deepEqual(expired, [], 'an expired credential got a relay allocation');
  });
});
