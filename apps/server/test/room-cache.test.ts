/**
 * The room cache across nodes: two in-process nodes on one PostgreSQL
 * database and one Redis, node B reaching Redis through a TCP proxy this test
 * owns. A change made on node A is seen on node B once its invalidation
 * arrives; while B's link to Redis is cut, and after it comes back, B serves
 * no room older than the last change (the TTL is far longer than the test, so
 * only invalidation and suspension can keep B fresh).
 */
import { randomBytes } from 'node:crypto';
import net from 'node:net';
import path from 'node:path';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RoomConnection, TandemApi } from '@tandem/client';
import { buildApp, type TandemApp } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { createStore } from '../src/store/index.js';
import { createTestDatabase } from '../src/store/store.contract-postgres.js';
import { tempDir, waitFor } from './harness.js';

const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const PREFIX = `tandem-test-${randomBytes(4).toString('hex')}`;

interface Node {
  url: string;
  app: TandemApp;
  api: TandemApi;
}

/** A TCP proxy to Redis that can be cut (every connection closed, new ones refused) and restored. */
async function redisProxy(target: URL) {
  let cut = false;
  const open = new Set<net.Socket>();
  const server = net.createServer((client) => {
    if (cut) {
      client.destroy();
      return;
    }
    const upstream = net.connect(Number(target.port || 6379), target.hostname);
    for (const [from, to] of [
      [client, upstream],
      [upstream, client],
    ] as const) {
      open.add(from);
      from.pipe(to);
      from.on('error', () => to.destroy());
      from.on('close', () => {
        open.delete(from);
        to.destroy();
      });
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  return {
    url: `redis://127.0.0.1:${port}`,
    cut() {
      cut = true;
      for (const s of open) s.destroy();
    },
    restore() {
      cut = false;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

const cleanups: (() => Promise<void>)[] = [];
let proxy: Awaited<ReturnType<typeof redisProxy>>;
let a: Node;
let b: Node;

async function startNode(databaseUrl: string, redisUrl: string, authSecret: string): Promise<Node> {
  const tmp = await tempDir();
  const config = loadConfig({
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    DATA_DIR: tmp.dir,
    PORT: '0',
    HOST: '127.0.0.1',
    WEB_DIR: path.join(tmp.dir, 'no-web'),
    DATABASE_URL: databaseUrl,
    REDIS_URL: redisUrl,
    REDIS_PREFIX: PREFIX,
    AUTH_SECRET: authSecret,
    ROOM_CACHE_TTL_MS: '600000',
  });
  const logger = pino({ level: config.logLevel });
  const store = await createStore(config, logger);
  const app = await buildApp({ config, store, logger });
  await app.http.listen({ port: 0, host: '127.0.0.1' });
  const { port } = app.http.server.address() as net.AddressInfo;
  cleanups.push(async () => {
    await app.close();
    await store.close();
    await tmp.remove();
  });
  const url = `http://127.0.0.1:${port}`;
  return { url, app, api: new TandemApi(url) };
}

beforeAll(async () => {
  const db = await createTestDatabase();
  cleanups.push(db.drop);
  proxy = await redisProxy(new URL(REDIS_URL));
  cleanups.push(proxy.close);
  const secret = randomBytes(32).toString('hex');
  // A first: it runs the migrations.
  a = await startNode(db.url, REDIS_URL, secret);
  b = await startNode(db.url, proxy.url, secret);
  await waitFor(
    () =>
      a.app.roomInvalidations?.listening === true && b.app.roomInvalidations?.listening === true,
    'both nodes subscribed to room changes',
  );
});

afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
  const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 });
  const keys = await redis.keys(`${PREFIX}:*`);
  if (keys.length > 0) await redis.del(...keys);
  await redis.quit();
});

async function titleOn(node: Node, roomId: string): Promise<string> {
  return (await node.api.getRoom(roomId)).title;
}

describe('room cache across nodes', () => {
  it('a change on one node is seen on the other, also while and after its Redis link is cut', async () => {
    const room = await a.api.createRoom({ title: 'one', language: 'python' });
    const conn = new RoomConnection({
      url: a.url,
      roomId: room.id,
      name: 'Ada',
      resyncIntervalMs: 0,
    });
    try {
      await conn.whenSynced();
      // Both nodes now hold the room in their caches.
      expect(await titleOn(a, room.id)).toBe('one');
      expect(await titleOn(b, room.id)).toBe('one');
      expect(await titleOn(b, room.id)).toBe('one');

      await conn.setTitle('two');
      expect(await titleOn(a, room.id)).toBe('two');
      await waitFor(async () => (await titleOn(b, room.id)) === 'two', 'node B sees "two"');

      proxy.cut();
      await waitFor(() => b.app.roomInvalidations?.listening === false, 'B notices the cut');
      // B's invalidation for this change is lost; B must read the database instead.
      await conn.setTitle('three');
      expect(await titleOn(b, room.id)).toBe('three');
      expect(await titleOn(b, room.id)).toBe('three');
      // Another change B never hears of, after B last read the room.
      await conn.setTitle('four');

      proxy.restore();
      await waitFor(
        () => b.app.roomInvalidations?.listening === true,
        'B subscribed again',
        20_000,
      );
      expect(await titleOn(b, room.id)).toBe('four');
      expect(await titleOn(b, room.id)).toBe('four');

      await conn.setTitle('five');
      await waitFor(async () => (await titleOn(b, room.id)) === 'five', 'node B sees "five"');
    } finally {
      conn.destroy();
    }
  });
});
