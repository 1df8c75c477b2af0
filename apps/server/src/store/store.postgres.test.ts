/**
 * The contract on a real PostgreSQL. Each harness creates its own database
 * (`tandem_test_<random>`) through an admin connection and drops it afterwards.
 * An unreachable server fails the suite: this seam is only proven against the
 * real service. Override the admin URL with TEST_DATABASE_ADMIN_URL.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { createStore } from './index.js';
import { storeContract } from './store.contract.js';
import type { Store } from './store.js';

const ADMIN_URL =
  process.env['TEST_DATABASE_ADMIN_URL'] ?? 'postgres://postgres@127.0.0.1:5432/postgres';

async function admin<T>(run: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: ADMIN_URL, connectionTimeoutMillis: 10_000 });
  try {
    await client.connect();
  } catch (err) {
    throw new Error(
      `PostgreSQL is not reachable at ${ADMIN_URL} (${(err as Error).message}). ` +
        'Start it, or point TEST_DATABASE_ADMIN_URL at a server where this user may create databases.',
      { cause: err },
    );
  }
  try {
    return await run(client);
  } finally {
    await client.end();
  }
}

function urlFor(database: string): string {
  const url = new URL(ADMIN_URL);
  url.pathname = `/${database}`;
  return url.toString();
}

storeContract('PostgreSQL', async () => {
  const database = `tandem_test_${randomBytes(6).toString('hex')}`;
  await admin((c) => c.query(`create database ${database}`));
  const config = { dataDir: '/nonexistent', databaseUrl: urlFor(database), databasePoolSize: 4 };
  const open: Store[] = [];
  const openStore = async () => {
    const store = await createStore(config);
    open.push(store);
    return store;
  };
  try {
    return {
      store: await openStore(),
      reopen: openStore,
      cleanup: async () => {
        await Promise.all(open.map((s) => s.close()));
        await admin((c) => c.query(`drop database if exists ${database} with (force)`));
      },
    };
  } catch (err) {
    await admin((c) => c.query(`drop database if exists ${database} with (force)`));
    throw err;
  }
});

describe('createStore on PostgreSQL', () => {
  it('fails with a clear message when the server is unreachable', async () => {
    const config = {
      dataDir: '/nonexistent',
      databaseUrl: 'postgres://tandem:secret@127.0.0.1:1/tandem',
      databasePoolSize: 1,
    };
    const failure = createStore(config);
    await expect(failure).rejects.toThrow(
      /^Could not reach PostgreSQL at 127\.0\.0\.1:1\/tandem: .*ECONNREFUSED/,
    );
    await expect(failure).rejects.not.toThrow(/secret/);
  });
});
