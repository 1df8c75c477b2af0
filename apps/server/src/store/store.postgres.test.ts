/**
 * The contract on a real PostgreSQL. Each harness creates its own database
 * (`tandem_test_<random>`) through an admin connection and drops it afterwards.
 * An unreachable server fails the suite: this seam is only proven against the
 * real service. Override the admin URL with TEST_DATABASE_ADMIN_URL.
 */
import { describe, expect, it } from 'vitest';
import { createStore } from './index.js';
import { storeContract } from './store.contract.js';
import { createTestDatabase } from './store.contract-postgres.js';
import type { Store } from './store.js';

storeContract('PostgreSQL', async () => {
  const database = await createTestDatabase();
  const config = { dataDir: '/nonexistent', databaseUrl: database.url, databasePoolSize: 4 };
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
        await database.drop();
      },
    };
  } catch (err) {
    await database.drop();
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
