/**
 * Precompiled queries on a real PostgreSQL: each call gets its own
 * arguments, and only they run as named prepared statements.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql, type Kysely } from 'kysely';
import { openDatabase, type Database } from './db.js';
import { migrateToLatest } from './migrations.js';
import { precompile } from './precompiled.js';
import { createTestDatabase } from './store.contract-postgres.js';

let database: Awaited<ReturnType<typeof createTestDatabase>>;
let db: Kysely<Database>;

beforeAll(async () => {
  database = await createTestDatabase();
  // One connection, so the statements this test prepares are those its next query lists.
  db = await openDatabase({
    dataDir: '/nonexistent',
    databaseUrl: database.url,
    databasePoolSize: 1,
  });
  await migrateToLatest(db);
  await db
    .insertInto('rooms')
    .values([
      { id: 'room-a', title: 'A', language: 'python' },
      { id: 'room-b', title: 'B', language: 'go' },
    ])
    .execute();
});
afterAll(async () => {
  await db.destroy();
  await database.drop();
});

async function preparedStatements(): Promise<string[]> {
  const { rows } = await sql<{
    name: string;
  }>`select name from pg_prepared_statements order by name`.execute(db);
  return rows.map((r) => r.name);
}

describe('precompile on PostgreSQL', () => {
  it('runs with each call’s arguments, as one named statement', async () => {
    const title = precompile(db, (id: string, language: 'python' | 'go') =>
      db
        .selectFrom('rooms')
        .select('title')
        .where('id', '=', id)
        .where('language', '=', language)
        .where('title', '<>', 'never'),
    );
    expect(await title('room-a', 'python')).toEqual([{ title: 'A' }]);
    expect(await title('room-b', 'go')).toEqual([{ title: 'B' }]);
    expect(await title('room-b', 'python')).toEqual([]);
    const named = await preparedStatements();
    expect(named).toHaveLength(1);
    expect(named[0]).toMatch(/^tandem_[0-9a-f]{16}$/);
  });

  it('leaves every other query unnamed', async () => {
    const before = await preparedStatements();
    await db.selectFrom('rooms').select('id').where('id', '=', 'room-a').execute();
    expect(await preparedStatements()).toEqual(before);
  });

  it('refuses a query that does not use an argument as a value', async () => {
    const ignoring = precompile(db, (_id: string) => db.selectFrom('rooms').select('id'));
    await expect(ignoring('room-a')).rejects.toThrow(/each of its 1 arguments/);
  });
});
