/**
 * The messages between `PGliteThread` (main thread) and the thread that owns
 * PGlite (`pglite-thread-entry.ts`). Values cross by structured clone: typed
 * arrays are copied as bytes (never base64), Dates stay Dates.
 */

/** What the thread receives as `workerData`. */
export interface ThreadData {
  /** The PGlite data folder; it must exist. */
  dataDir: string;
}

export type ToThread =
  | { type: 'query'; id: number; sql: string; params: unknown[] }
  /** Closes PGlite after the queries already sent; answered by `closed`. */
  | { type: 'close' };

export type FromThread =
  | { type: 'ready' }
  | { type: 'open-failed'; error: SerializedError }
  | { type: 'rows'; id: number; rows: unknown[]; affectedRows: number }
  | { type: 'error'; id: number; error: SerializedError }
  /** `error` when PGlite failed to close cleanly; the thread ends either way. */
  | { type: 'closed'; error: SerializedError | undefined };

/**
 * An Error as plain data. Structured clone keeps an Error's message but drops
 * its own fields, and PostgreSQL's `code`, `detail`, `constraint`... are what
 * callers branch on, so they travel in `fields`.
 */
export interface SerializedError {
  name: string;
  message: string;
  stack: string | undefined;
  fields: Record<string, string | number | boolean>;
}
