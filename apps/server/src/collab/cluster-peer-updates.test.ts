/**
 * The replicas' fast path: a `doc:update` room broadcast one node publishes
 * through the Streams adapter reaches the replica of every other node that
 * has the room loaded, with no repair round and no second message. Two
 * Socket.IO servers (no HTTP) on one real Redis and one real PostgreSQL.
 */
import { pino } from 'pino';
import { Server } from 'socket.io';
import * as Y from 'yjs';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createStore } from '../store/index.js';
import { createTestDatabase } from '../store/store.contract-postgres.js';
import type { Store } from '../store/store.js';
import { UpdateBatcher } from './batcher.js';
import { Cluster } from './cluster.js';
import { RoomRegistry } from './room-registry.js';

const logger = pino({ level: 'silent' });
const prefix = `tandem-peer-updates-test-${process.pid}`;
let database: Awaited<ReturnType<typeof createTestDatabase>>;
let store: Store;
const nodes: { cluster: Cluster; registry: RoomRegistry; io: Server }[] = [];

beforeAll(async () => {
  database = await createTestDatabase();
  store = await createStore({
    dataDir: '/nonexistent',
    databaseUrl: database.url,
    databasePoolSize: 2,
  });
  for (let i = 0; i < 2; i++) {
    const registry = new RoomRegistry({ store, logger, idleMs: 60_000, snapshotEvery: 1_000_000 });
    registry.attachBatcher(
      new UpdateBatcher({ commit: (r) => store.appendUpdates(r), delayMs: 1, maxUpdates: 100 }),
    );
    const cluster = new Cluster({
      redisUrl: process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379',
      prefix,
      repairMs: 3_600_000,
      store,
      registry,
      logger,
    });
    nodes.push({ cluster, registry, io: new Server({ adapter: cluster.adapter() }) });
  }
}, 60_000);

afterAll(async () => {
  for (const { io, cluster, registry } of nodes) {
    // No HTTP server, so no engine to close: stop the adapter's stream reader.
    void io.of('/').adapter.close();
    await cluster.close();
    await registry.closeAll();
  }
  await store?.close();
  await database?.drop();
});

function typed(text: string): Uint8Array {
  const doc = new Y.Doc();
  doc.getText('code').insert(0, text);
  const update = Y.encodeStateAsUpdateV2(doc);
  doc.destroy();
  return update;
}

describe("another node's room broadcast", () => {
  it('of a doc:update is applied to this node’s replica; of any other event, not', async () => {
    const [a, b] = nodes;
    const roomId = `room-peer-${Math.random().toString(36).slice(2)}`;
    await store.createRoom({ id: roomId, title: 'peer', language: 'python' }, null);
    const there = await b!.registry.acquire(roomId);
    const text = () => there.doc.getText('code').toString();

    // A look-alike that is not an edit: another event carrying an update.
    a!.io.to(roomId).emit('notes:update', typed('not an edit'));
    // The stream is read from when the other node's reader started: send until it is heard
    // (the same update each time: Yjs applies it once).
    const hello = typed('hello');
    await vi.waitFor(
      () => {
        a!.io.to(roomId).emit('doc:update', hello);
        expect(text()).toBe('hello');
      },
      { timeout: 10_000, interval: 50 },
    );
    a!.io.to(roomId).emit('notes:update', typed('not an edit'));
    a!.io.to(roomId).emit('doc:update', typed('!'));
    await vi.waitFor(() => expect(text()).toContain('!'), { timeout: 10_000 });
    expect(text()).not.toContain('not an edit');
    b!.registry.release(there);
  });
});
