/**
 * Opens the store the configuration selects: PostgreSQL when `databaseUrl` is
 * set, embedded PGlite under `dataDir/pglite` otherwise.
 *
 * @example
 * const store = await createStore(config, logger.child({ seam: 'store' }));
 * await store.createRoom({ id, title: 'Interview', language: 'python' }, accountId);
 * // ... at shutdown
 * await store.close();
 */
import type { Logger } from 'pino';
import { describeDatabase, openDatabase, type DatabaseConfig } from './db.js';
import { migrateToLatest } from './migrations.js';
import { SqlStore } from './sql-store.js';
import type { Store } from './store.js';

export type * from './store.js';
export { UnknownRoomError } from './sql-store.js';
export { EmailTakenError } from './account-types.js';
export { IdentityTakenError } from './profile-types.js';

/** An error's message; Node reports a refused connection to several addresses with an empty one. */
function reason(err: unknown): string {
  if (err instanceof AggregateError && err.message === '') {
    return err.errors.map((e: unknown) => reason(e)).join('; ');
  }
  if (err instanceof Error) return err.message || (err as NodeJS.ErrnoException).code || err.name;
  return String(err);
}

/**
 * Opens the database, checks that it answers, applies pending migrations and
 * returns the store. Throws an Error saying which database and what failed
 * (unreachable server, unopenable data folder, failed migration); the caller
 * stops the boot. Nothing stays open after a failure.
 */
export async function createStore(config: DatabaseConfig, logger?: Logger): Promise<Store> {
  const where = describeDatabase(config);
  let db;
  try {
    db = await openDatabase(config, logger);
  } catch (err) {
    throw new Error(`Could not open ${where}: ${reason(err)}`, { cause: err });
  }
  const store = new SqlStore(db);
  try {
    try {
      await store.ping();
    } catch (err) {
      throw new Error(`Could not reach ${where}: ${reason(err)}`, { cause: err });
    }
    try {
      await migrateToLatest(db, logger);
    } catch (err) {
      throw new Error(`${where}: ${reason(err)}`, { cause: err });
    }
  } catch (err) {
    await store.close().catch(() => {});
    throw err;
  }
  logger?.info({ database: where }, 'store ready');
  return store;
}
