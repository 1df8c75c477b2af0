import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { TandemApi, type RoomConnection } from '@tandem/client';
import { tempDir, waitFor } from '../harness.js';
import { TestClients } from './clients.js';
import { storedText } from './stored-text.js';
import { startCluster, type TestCluster } from './harness.js';
import { startRedis } from './services.js';

const cleanup: (() => Promise<void>)[] = [];
const clients = new TestClients();
const connect = clients.connect;

afterEach(async () => {
  clients.destroyAll();
  for (const f of cleanup.splice(0).reverse()) await f().catch(() => undefined);
});

async function readyz(url: string): Promise<{ status: number; body: Record<string, string> }> {
  const res = await fetch(`${url}/readyz`);
  return { status: res.status, body: (await res.json()) as Record<string, string> };
}

/** Types `mark` on `from` and resolves with how long it took to appear on `to`. */
async function crossing(from: RoomConnection, to: RoomConnection, mark: string): Promise<number> {
  from.text.insert(from.text.length, mark);
  const start = Date.now();
  await waitFor(() => to.text.toString().includes(mark), `${mark} to cross nodes`, 15_000);
  return Date.now() - start;
}

describe('faults under a cluster', () => {
  it('Redis paused and restarted (3 rounds each): /readyz says degraded, editing goes on, cross-node updates resume within 1 s of Redis coming back, nothing acknowledged is lost', async () => {
    const tmp = await tempDir('tandem-redis-fault-');
    cleanup.push(tmp.remove);
    const redis = await startRedis(path.join(tmp.dir, 'redis'));
    cleanup.push(redis.stop);
    const cluster: TestCluster = await startCluster({ size: 2, redisUrl: redis.url });
    cleanup.push(cluster.stop);
    const [n1, n2] = cluster.nodes;
    const room = await new TandemApi(n1!.url).createRoom({ title: 'Blip', language: 'python' });
    const ada = connect(n1!.url, room.id, 'Ada');
    const bob = connect(n2!.url, room.id, 'Bob');
    await Promise.all([ada.whenSynced(), bob.whenSynced()]);
    expect((await readyz(n1!.url)).body).toMatchObject({ status: 'ready', redis: 'ok' });

    const resumed: number[] = [];
    for (let round = 0; round < 6; round++) {
      const restart = round % 2 === 1;
      if (restart) await redis.stop();
      else redis.pause();
      await waitFor(
        async () => (await readyz(n1!.url)).body.redis === 'unavailable',
        'readyz to report Redis down',
        15_000,
      );
      const during = await readyz(n1!.url);
      expect(during).toMatchObject({ status: 200, body: { status: 'degraded', store: 'ok' } });
      // Saving does not need Redis: each person's edits are acknowledged meanwhile.
      ada.text.insert(ada.text.length, `<a${round}>`);
      bob.text.insert(0, `<b${round}>`);
      await Promise.all([ada.whenSaved(), bob.whenSaved()]);

      if (restart) await redis.restart();
      else redis.resume();
      await waitFor(
        async () => (await readyz(n1!.url)).body.redis === 'ok',
        'readyz to report Redis back',
        15_000,
      );
      resumed.push(await crossing(ada, bob, `(after ${round})`));
    }
    await Promise.all([ada.whenSaved(), bob.whenSaved()]);
    await waitFor(() => ada.text.toString() === bob.text.toString(), 'convergence', 15_000);
    const stored = await storedText(cluster.databaseUrl, room.id, { snapshot: false });
    expect(stored).toBe(ada.text.toString());
    for (let round = 0; round < 6; round++) {
      expect(stored).toContain(`<a${round}>`);
      expect(stored).toContain(`<b${round}>`);
    }
    for (const ms of resumed) expect(ms).toBeLessThan(1_000);
  }, 300_000);
});
