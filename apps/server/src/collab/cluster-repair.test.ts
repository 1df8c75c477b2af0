/**
 * The replica repair on its own: another node's commits that never reached
 * this node through Redis are read from the store, for every loaded room in
 * one query, and handed to this node's clients. Real PostgreSQL (the cluster
 * shape's database) and Redis; the "other node" writes straight to the store.
 */
import { pino } from 'pino';
import * as Y from 'yjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStore } from '../store/index.js';
import { createTestDatabase } from '../store/store.contract-postgres.js';
import type { Store, UpdateRecord } from '../store/store.js';
import { UpdateBatcher } from './batcher.js';
import { Cluster } from './cluster.js';
import { RoomRegistry } from './room-registry.js';

const logger = pino({ level: 'silent' });
let database: Awaited<ReturnType<typeof createTestDatabase>>;
let store: Store;
let registry: RoomRegistry;
let cluster: Cluster;
const forwarded = new Map<string, Uint8Array[]>();

beforeAll(async () => {
  database = await createTestDatabase();
  store = await createStore({
    dataDir: '/nonexistent',
    databaseUrl: database.url,
    databasePoolSize: 2,
  });
  registry = new RoomRegistry({ store, logger, idleMs: 60_000, snapshotEvery: 1_000_000 });
  registry.attachBatcher(
    new UpdateBatcher({ commit: (r) => store.appendUpdates(r), delayMs: 1, maxUpdates: 100 }),
  );
  cluster = new Cluster({
    redisUrl: process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379',
    prefix: `tandem-repair-test-${process.pid}`,
    repairMs: 3_600_000,
    store,
    registry,
    logger,
  });
  // Only the forward path matters here; no other node listens.
  cluster.attach(
    { on: () => undefined },
    {
      countNodes: () => Promise.resolve(1),
      presenceToPeers: () => undefined,
      presenceToClients: () => undefined,
      updateToClients: (roomId, update) =>
        forwarded.set(roomId, [...(forwarded.get(roomId) ?? []), update]),
    },
  );
}, 60_000);

afterAll(async () => {
  await cluster?.close();
  await registry?.closeAll();
  await store?.close();
  await database?.drop();
});

async function newRoom(title: string): Promise<string> {
  const id = `room-${title}-${Math.random().toString(36).slice(2)}`;
  await store.createRoom({ id, title, language: 'python' }, null);
  return id;
}

/** What another node commits when its client types `text`, one update per character. */
function typed(roomId: string, text: string): UpdateRecord[] {
  const doc = new Y.Doc();
  const records: UpdateRecord[] = [];
  doc.on('updateV2', (update: Uint8Array) =>
    records.push({ roomId, author: 'elsewhere', update, at: new Date() }),
  );
  for (const ch of text) doc.getText('code').insert(doc.getText('code').length, ch);
  doc.destroy();
  return records;
}

const textOf = (doc: Y.Doc) => doc.getText('code').toString();

describe('replica repair', () => {
  it('brings every loaded room the commits it missed, and forwards them to its clients', async () => {
    const rooms = await Promise.all(['a', 'b', 'c'].map(newRoom));
    const sessions = await Promise.all(rooms.map((id) => registry.acquire(id)));
    await store.appendUpdates([...typed(rooms[0]!, 'hello'), ...typed(rooms[1]!, 'hi')]);

    await cluster.repairAll();

    expect(sessions.map((s) => textOf(s.doc))).toEqual(['hello', 'hi', '']);
    const replay = (updates: Uint8Array[] = []) => {
      const doc = new Y.Doc();
      for (const u of updates) Y.applyUpdateV2(doc, u);
      return textOf(doc);
    };
    expect(rooms.map((id) => replay(forwarded.get(id)))).toEqual(['hello', 'hi', '']);

    // The next round reads again from one round back; nothing new is forwarded twice.
    const before = forwarded.get(rooms[0]!)!.length;
    await cluster.repairAll();
    expect(forwarded.get(rooms[0]!)).toHaveLength(before);
  });

  it('reads a backlog longer than one glance in a single round', async () => {
    const id = await newRoom('backlog');
    const session = await registry.acquire(id);
    const text = 'x'.repeat(700);
    await store.appendUpdates(typed(id, text));

    await cluster.repairAll();

    expect(textOf(session.doc)).toBe(text);
  });
});
