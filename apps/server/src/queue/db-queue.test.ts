/**
 * The queue contract on the database queue: embedded PGlite (a restart closes
 * and reopens the data folder) and a real PostgreSQL (a database per suite).
 */
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import { queueContract, type QueueOptions } from '@tandem/jobs/contract';
import { createStore } from '../store/index.js';
import { createTestDatabase } from '../store/store.contract-postgres.js';
import type { Store } from '../store/store.js';
import { DbQueue } from './db-queue.js';

const logger = pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' });

function harness(openStore: () => Promise<Store>, removeData: () => Promise<void>) {
  return async () => {
    let store = await openStore();
    return {
      open: async ({ retry, leaseMs }: QueueOptions) =>
        new DbQueue({ jobs: store.jobs, logger, retry, leaseMs, pollMs: 20, concurrency: 2 }),
      restart: async () => {
        await store.close();
        store = await openStore();
      },
      cleanup: async () => {
        await store.close();
        await removeData();
      },
    };
  };
}

queueContract('database queue on PGlite', async () => {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'tandem-queue-'));
  const config = { dataDir: dir, databaseUrl: undefined, databasePoolSize: 1 };
  return harness(
    () => createStore(config),
    () => fs.rm(dir, { recursive: true, force: true }),
  )();
});

queueContract('database queue on PostgreSQL', async () => {
  const database = await createTestDatabase();
  const config = { dataDir: '/nonexistent', databaseUrl: database.url, databasePoolSize: 4 };
  return harness(() => createStore(config), database.drop)();
});
