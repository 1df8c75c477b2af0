import { describe, expect, it } from 'vitest';
import { PeerWatch } from './peer-watch.js';

/** A count whose answer the test releases by hand. */
function pendingCount() {
  let release: (n: number) => void = () => {};
  const count = () =>
    new Promise<number>((resolve) => {
      release = resolve;
    });
  return { count, answer: (n: number) => release(n) };
}

describe('PeerWatch', () => {
  it('assumes peers until a count says this node is alone, and again when another one appears', async () => {
    let nodes = 1;
    const watch = new PeerWatch(() => Promise.resolve(nodes), 60_000);
    expect(watch.hasPeers).toBe(true);
    await watch.recount();
    expect(watch.hasPeers).toBe(false);
    nodes = 2;
    await watch.recount();
    expect(watch.hasPeers).toBe(true);
  });

  it('counts a message from another node at once, over a count that was on its way', async () => {
    const { count, answer } = pendingCount();
    const watch = new PeerWatch(count, 60_000);
    const first = watch.recount();
    answer(1);
    await first;
    expect(watch.hasPeers).toBe(false);

    const stale = watch.recount();
    watch.heard();
    answer(1);
    await stale;
    expect(watch.hasPeers).toBe(true);
  });

  it('assumes peers when counting fails', async () => {
    let fail = false;
    const watch = new PeerWatch(
      () => (fail ? Promise.reject(new Error('Redis is down')) : Promise.resolve(1)),
      60_000,
    );
    await watch.recount();
    expect(watch.hasPeers).toBe(false);
    fail = true;
    await watch.recount();
    expect(watch.hasPeers).toBe(true);
  });

  it('tells once when peers appear after the node was alone, and not while it had peers', async () => {
    let nodes = 2;
    let appeared = 0;
    const watch = new PeerWatch(
      () => Promise.resolve(nodes),
      60_000,
      () => appeared++,
    );
    await watch.recount();
    watch.heard();
    expect(appeared).toBe(0);
    nodes = 1;
    await watch.recount();
    watch.heard();
    expect(appeared).toBe(1);
    watch.heard();
    await watch.recount();
    expect(appeared).toBe(1);
    nodes = 1;
    await watch.recount();
    nodes = 3;
    await watch.recount();
    expect(appeared).toBe(2);
  });
});
