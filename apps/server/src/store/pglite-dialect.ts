/**
 * Runs Kysely's own `PostgresDialect` on PGlite, which runs on its own thread
 * (`PGliteThread`).
 *
 * `PostgresDialect` only needs a pool: `connect()` returning a client with
 * `query(sql, params)` and `release()`, plus `end()`. PGlite is one embedded
 * connection, so the pool hands out that same connection to one borrower at a
 * time, in call order: a mutex queues the others. Kysely holds one connection for the whole of
 * a transaction, so a transaction never interleaves with any other query.
 *
 * Consequence for callers: inside `db.transaction().execute(fn)`, use the
 * transaction object only; a query on `db` from inside `fn` waits for the
 * transaction to end, which waits for `fn`: a deadlock.
 *
 * @example
 * const thread = await PGliteThread.start(dir);
 * const db = new Kysely<Database>({ dialect: pgliteDialect(thread) });
 * await db.destroy(); // closes PGlite and ends its thread too
 */
import {
  PostgresDialect,
  type PostgresPool,
  type PostgresPoolClient,
  type PostgresQueryResult,
} from 'kysely';
import type { ThreadQueryResult } from './pglite-thread.js';

/** What the pool needs of the embedded database: `PGliteThread`, or a fake in tests. */
export interface EmbeddedDatabase {
  query(sql: string, params: readonly unknown[]): Promise<ThreadQueryResult>;
  close(): Promise<void>;
}

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

/**
 * The statement's command, as `pg` reports it, from its first keyword. PGlite
 * returns none, and Kysely reports affected rows only for INSERT, UPDATE,
 * DELETE and MERGE. A `with ...` statement counts as SELECT.
 */
function commandOf(sql: string): Command {
  const keyword = /^\s*(\w+)/.exec(sql)?.[1]?.toUpperCase();
  return keyword === 'INSERT' || keyword === 'UPDATE' || keyword === 'DELETE' || keyword === 'MERGE'
    ? keyword
    : 'SELECT';
}

/** The pool side of the adapter; `end()` waits for the current borrower, then closes PGlite. */
export function pglitePool(pglite: EmbeddedDatabase): PostgresPool {
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
          const result = await pglite.query(sql, parameters);
          return {
            // Kysely reads `command` and `rowCount` to report affected rows.
            command: commandOf(sql),
            rowCount: result.affectedRows,
            rows: result.rows as R[],
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
export function pgliteDialect(pglite: EmbeddedDatabase): PostgresDialect {
  return new PostgresDialect({ pool: pglitePool(pglite) });
}
