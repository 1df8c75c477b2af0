/**
 * Runs Kysely's own `PostgresDialect` on PGlite.
 *
 * `PostgresDialect` only needs a pool: `connect()` returning a client with
 * `query(sql, params)` and `release()`, plus `end()`. PGlite is one embedded
 * connection, so the pool hands out that same connection to one borrower at a
 * time: a mutex queues the others. Kysely holds one connection for the whole of
 * a transaction, so a transaction never interleaves with any other query.
 *
 * Consequence for callers: inside `db.transaction().execute(fn)`, use the
 * transaction object only; a query on `db` from inside `fn` waits for the
 * transaction to end, which waits for `fn`: a deadlock.
 *
 * @example
 * const pglite = await PGlite.create(dir);
 * const db = new Kysely<Database>({ dialect: pgliteDialect(pglite) });
 * await db.destroy(); // closes PGlite too
 */
import type { PGlite } from '@electric-sql/pglite';
import {
  PostgresDialect,
  type PostgresPool,
  type PostgresPoolClient,
  type PostgresQueryResult,
} from 'kysely';

/** A FIFO lock: `acquire()` resolves, in call order, with the function that frees it. */
class Mutex {
  #tail: Promise<void> = Promise.resolve();

  acquire(): Promise<() => void> {
    let free!: () => void;
    const freed = new Promise<void>((resolve) => (free = resolve));
    const previous = this.#tail;
    this.#tail = previous.then(() => freed);
    return previous.then(() => free);
  }
}

type Command = PostgresQueryResult<unknown>['command'];

/** The pool side of the adapter; `end()` waits for the current borrower, then closes PGlite. */
export function pglitePool(pglite: PGlite): PostgresPool {
  const mutex = new Mutex();
  let ended = false;

  return {
    async connect(): Promise<PostgresPoolClient> {
      if (ended) throw new Error('The embedded database (PGlite) is closed');
      const free = await mutex.acquire();
      if (ended) {
        free();
        throw new Error('The embedded database (PGlite) is closed');
      }
      let released = false;
      const client = {
        async query<R>(sql: string, parameters: ReadonlyArray<unknown>) {
          if (released) throw new Error('PGlite connection used after release');
          const result = await pglite.query<R>(sql, [...parameters]);
          return {
            // Kysely reads `command` and `rowCount` to report affected rows.
            command: (result.command ?? 'SELECT') as Command,
            rowCount: result.rowCount ?? result.affectedRows ?? 0,
            rows: result.rows,
          };
        },
        release(): void {
          if (released) return;
          released = true;
          free();
        },
      };
      // PGlite has no cursors; Kysely only calls the cursor overload when a
      // `cursor` class is configured, which this dialect never does.
      return client as PostgresPoolClient;
    },

    async end(): Promise<void> {
      if (ended) return;
      ended = true;
      const free = await mutex.acquire();
      try {
        await pglite.close();
      } finally {
        free();
      }
    },
  };
}

/** A Kysely dialect over one PGlite instance; `db.destroy()` closes that instance. */
export function pgliteDialect(pglite: PGlite): PostgresDialect {
  return new PostgresDialect({ pool: pglitePool(pglite) });
}
