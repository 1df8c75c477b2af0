import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { openDatabase } from './db.js';
import { createStore } from './index.js';
import { migrateToLatest, MIGRATIONS } from './migrations.js';
import { storeContract } from './store.contract.js';
import type { Store } from './store.js';

const configFor = (dataDir: string) => ({ dataDir, databaseUrl: undefined, databasePoolSize: 1 });

async function tempDir(): Promise<string> {
  return fs.mkdtemp(path.join(os.tmpdir(), 'tandem-store-'));
}

storeContract('PGlite', async () => {
  const dir = await tempDir();
  const open: Store[] = [];
  const openStore = async () => {
    const store = await createStore(configFor(dir));
    open.push(store);
    return store;
  };
  return {
    store: await openStore(),
    reopen: openStore,
    cleanup: async () => {
      await Promise.all(open.map((s) => s.close()));
      await fs.rm(dir, { recursive: true, force: true });
    },
  };
});

describe('createStore on PGlite', () => {
  it('keeps its data under dataDir/pglite', async () => {
    const dir = await tempDir();
    try {
      const store = await createStore(configFor(dir));
      await store.close();
      expect(await fs.readdir(path.join(dir, 'pglite'))).toContain('PG_VERSION');
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  });

  it('fails with the data folder in the message when it cannot be opened', async () => {
    const dir = await tempDir();
    try {
      const file = path.join(dir, 'not-a-folder');
      await fs.writeFile(file, '');
      await expect(createStore(configFor(file))).rejects.toThrow(
        `Could not open embedded PGlite in ${path.join(file, 'pglite')}`,
      );
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  });

  it('names a failed migration and applies none of that run', async () => {
    const dir = await tempDir();
    const db = await openDatabase(configFor(dir));
    try {
      const broken = {
        ...MIGRATIONS,
        '9999_broken': {
          async up(d: typeof db) {
            await sql`select * from no_such_table`.execute(d);
          },
        },
      };
      await expect(migrateToLatest(db, undefined, broken)).rejects.toThrow(
        /Database migration "9999_broken" failed: .*no_such_table/,
      );
      const { rows } = await sql<{ n: number }>`
        select count(*)::int as n from information_schema.tables where table_name = 'rooms'
      `.execute(db);
      expect(rows[0]!.n).toBe(0);
    } finally {
      await db.destroy();
      await fs.rm(dir, { recursive: true, force: true });
    }
  });
});
