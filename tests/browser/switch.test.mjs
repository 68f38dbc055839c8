import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  inboundEnergy, launchBrowser, openUser, press, release, waitConnected, waitFor, waitHears,
} from './harness.mjs';
import { startSfuServer, talkHeardBy } from './janus.mjs';

/** Every participant id this page lists, its own included. */
function listedIds(user) {
  return user.page.locator('#participants li').evaluateAll((items) => items.map((li) => li.dataset.id).sort());
}

describe('a mesh channel that grows past Sfu:MeshLimit moves to Janus without anyone leaving', () => {
  let server;
  let stack;
  let browser;
  const users = [];

  before(async () => {
    stack = await startSfuServer({ meshLimit: 2 });
    ({ server } = stack);
    browser = await launchBrowser();
  });

  after(async () => {
    await Promise.all(users.map((u) => u.context.close().catch(() => {})));
    await browser?.close();
    await stack?.stop();
  });

  const join = async (name, channel) => {
    const user = await openUser(browser, server.url, { name, channel });
    users.push(user);
    return user;
  };

  /** The page's mesh connection is closed, and its two connections to Janus (publisher, listener) are up. */
  const waitSwitched = (user) =>
    waitFor(
      () => user.page.evaluate(() => window.__pcs[0]?.connectionState === 'closed'
        && window.__pcs.filter((pc) => pc.connectionState === 'connected').length >= 2),
      { timeout: 10000, message: `${user.name} to move from the mesh to Janus` },
    );


  test('A and B talk in a mesh; C joins while A talks; A stays on air through Janus, then each is heard in turn', async () => {
    const a = await join('A', 'grow');
    const b = await join('B', 'grow');
    await waitConnected(a, 1);
    await waitConnected(b, 1);
    assert.equal(await a.page.evaluate(() => window.__pcs.length), 1, 'A should have one mesh connection, to B');
    await talkHeardBy(a, [b]);
    await talkHeardBy(b, [a]);
    const meshIds = await listedIds(a);
    assert.deepEqual(await listedIds(b), meshIds);

    // A holds the floor while C's join switches the channel: A is not cut off, and is heard through Janus at once.
    await press(a);
    await b.page.getByText('A is talking').waitFor({ timeout: 3000 });
    const started = Date.now();
    const c = await join('C', 'grow');
    await Promise.all([waitSwitched(a), waitSwitched(b), waitConnected(c, 2)]);
    const switched = Date.now() - started;
    await a.page.getByText('On air').waitFor({ timeout: 3000 });
    await c.page.getByText('A is talking').waitFor({ timeout: 3000 });
    const heardFrom = await Promise.all([b, c].map((l) => inboundEnergy(l.page)));
    await Promise.all([b, c].map((l, i) => waitHears(l, heardFrom[i], 5000)));
    const heard = Date.now() - started;
    console.log(`C's join to everyone on Janus: ${switched} ms; to B and C hearing A through Janus: ${heard} ms`);
    await release(a);
    await Promise.all([b, c].map((l) => l.page.getByText('Channel clear').waitFor({ timeout: 3000 })));

    await talkHeardBy(a, [b, c]);
    await talkHeardBy(b, [a, c]);
    await talkHeardBy(c, [a, b]);

    // Nobody left and came back: A and B kept their ids, and everyone lists the same three.
    const ids = await listedIds(c);
    assert.equal(ids.length, 3);
    assert.ok(meshIds.every((id) => ids.includes(id)), `A's and B's ids changed: ${meshIds} → ${ids}`);
    assert.deepEqual(await listedIds(a), ids);
    assert.deepEqual(await listedIds(b), ids);
  });
});
