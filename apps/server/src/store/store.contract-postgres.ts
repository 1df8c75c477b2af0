/**
 * Throwaway databases on the real PostgreSQL for tests: each is created
 * through an admin connection (`tandem_test_<random>`) and dropped afterwards.
 * An unreachable server fails the test: these seams are only proven against
 * the real service. Override the admin URL with TEST_DATABASE_ADMIN_URL.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';

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

/** Creates an empty database; `drop()` removes it (closing whatever is still connected). */
export async function createTestDatabase(): Promise<{ url: string; drop: () => Promise<void> }> {
  const database = `tandem_test_${randomBytes(6).toString('hex')}`;
  await admin((c) => c.query(`create database ${database}`));
  const url = new URL(ADMIN_URL);
  url.pathname = `/${database}`;
  return {
    url: url.toString(),
    drop: async () => {
      await admin((c) => c.query(`drop database if exists ${database} with (force)`));
    },
  };
}
