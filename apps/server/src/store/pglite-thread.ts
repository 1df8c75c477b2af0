/**
 * Embedded PostgreSQL (PGlite) on a thread of its own. PGlite is WebAssembly
 * that runs to completion on whichever thread calls it; on the server's main
 * thread every batched commit held back the relay of the next edits. Here the
 * main thread only posts query text and parameters and receives rows.
 *
 * Queries run one at a time, in the order they were sent; `pglite-dialect.ts`
 * keeps one borrower at a time on top of that. If the thread dies, every
 * pending and later query fails with an Error saying so: nothing waits forever.
 *
 * Memory: PGlite reserves about 600 MB of WebAssembly memory at start. It
 * still counts in the process's RSS, but it lives in this thread's isolate,
 * not in the main thread's heap.
 *
 * @example
 * const thread = await PGliteThread.start('/var/lib/tandem/pglite');
 * const { rows } = await thread.query('select $1::int as n', [1]);
 * await thread.close();
 */
import { Worker } from 'node:worker_threads';
import type {
  FromThread,
  SerializedError,
  ThreadData,
  ToThread,
} from './pglite-thread-messages.js';

export interface ThreadQueryResult {
  rows: unknown[];
  affectedRows: number;
}

interface Pending {
  resolve: (result: ThreadQueryResult) => void;
  reject: (err: Error) => void;
}

/**
 * The compiled entry next to the compiled module. From TypeScript source
 * (vitest), the `.ts` entry through tsx: Node 20 does not apply an `--import`
 * hook to a worker's entry file, so a one-line bootstrap registers tsx first.
 */
function threadEntry(): URL {
  if (!import.meta.url.endsWith('.ts')) return new URL('./pglite-thread-entry.js', import.meta.url);
  const entry = new URL('./pglite-thread-entry.ts', import.meta.url).href;
  const tsx = import.meta.resolve('tsx/esm/api');
  const bootstrap = `import { register } from ${JSON.stringify(tsx)}; register(); await import(${JSON.stringify(entry)});`;
  return new URL(`data:text/javascript,${encodeURIComponent(bootstrap)}`);
}

/** Rebuilds a thread's error: same class name, message and PostgreSQL fields (`code`, ...). */
function toError(serialized: SerializedError): Error {
  const err = new Error(serialized.message);
  Object.assign(err, serialized.fields);
  err.name = serialized.name;
  if (serialized.stack !== undefined) err.stack = serialized.stack;
  return err;
}

export class PGliteThread {
  readonly #worker: Worker;
  readonly #pending = new Map<number, Pending>();
  #nextId = 0;
  /** Set once the thread cannot answer any more: closed or crashed. */
  #stopped: Error | undefined;
  #closing: Promise<void> | undefined;
  #onClosed: ((error: SerializedError | undefined) => void) | undefined;

  private constructor(worker: Worker) {
    this.#worker = worker;
    worker.on('message', (message: FromThread) => this.#receive(message));
    worker.on('error', (err) => this.#stop(`failed: ${err.message}`, err));
    worker.on('exit', (code) => this.#stop(`exited with code ${code}`));
    // Idle, the thread must not keep the process alive (as PGlite on the main
    // thread did not); a query in flight does.
    worker.unref();
  }

  /**
   * Starts the thread and opens PGlite in `dataDir` (which must exist); rejects
   * with PGlite's error. `entry` replaces the thread's code (tests only).
   */
  static start(dataDir: string, options: { entry?: URL } = {}): Promise<PGliteThread> {
    const worker = new Worker(options.entry ?? threadEntry(), {
      workerData: { dataDir } satisfies ThreadData,
    });
    return new Promise<PGliteThread>((resolve, reject) => {
      const onMessage = (message: FromThread) => {
        if (message.type === 'ready') {
          detach();
          resolve(new PGliteThread(worker));
        } else if (message.type === 'open-failed') {
          detach();
          reject(toError(message.error));
          void worker.terminate();
        }
      };
      const onError = (err: Error) => {
        detach();
        reject(err);
      };
      const onExit = (code: number) => {
        detach();
        reject(
          new Error(
            `The embedded database (PGlite) thread exited with code ${code} while starting`,
          ),
        );
      };
      const detach = () => {
        worker.off('message', onMessage).off('error', onError).off('exit', onExit);
      };
      worker.on('message', onMessage).on('error', onError).on('exit', onExit);
    });
  }

  /** Runs one statement; rejects with PostgreSQL's message and `code` when it fails. */
  query(sql: string, params: readonly unknown[]): Promise<ThreadQueryResult> {
    if (this.#stopped !== undefined) return Promise.reject(this.#stopped);
    const id = this.#nextId++;
    const result = new Promise<ThreadQueryResult>((resolve, reject) => {
      this.#pending.set(id, { resolve, reject });
    });
    if (this.#pending.size === 1) this.#worker.ref();
    try {
      // Typed arrays among the params are copied, not transferred: the caller
      // may still use them (an update is relayed and applied as well as stored).
      this.#worker.postMessage({ type: 'query', id, sql, params: [...params] } satisfies ToThread);
    } catch (err) {
      // A parameter that cannot be cloned (a function, a class instance...).
      this.#settle(id)?.reject(err as Error);
    }
    return result;
  }

  /** Closes PGlite after the queries already sent, then ends the thread. Idempotent. */
  close(): Promise<void> {
    this.#closing ??= this.#close();
    return this.#closing;
  }

  async #close(): Promise<void> {
    if (this.#stopped !== undefined) return;
    const closed = new Promise<SerializedError | undefined>((resolve) => {
      this.#onClosed = resolve;
      this.#worker.once('exit', () => resolve(undefined));
    });
    this.#worker.ref();
    this.#worker.postMessage({ type: 'close' } satisfies ToThread);
    const error = await closed;
    this.#stop('is closed');
    await this.#worker.terminate();
    if (error !== undefined) throw toError(error);
  }

  #receive(message: FromThread): void {
    switch (message.type) {
      case 'rows':
      case 'error': {
        const pending = this.#settle(message.id);
        if (pending === undefined) return;
        if (message.type === 'rows') {
          pending.resolve({ rows: message.rows, affectedRows: message.affectedRows });
        } else {
          pending.reject(toError(message.error));
        }
        return;
      }
      case 'closed':
        this.#onClosed?.(message.error);
        return;
      case 'ready':
      case 'open-failed':
        return;
    }
  }

  /** Takes a query out of the pending ones; with none left, the thread stops holding the process. */
  #settle(id: number): Pending | undefined {
    const pending = this.#pending.get(id);
    this.#pending.delete(id);
    if (this.#pending.size === 0) this.#worker.unref();
    return pending;
  }

  /** Fails every pending query and all later ones. */
  #stop(why: string, cause?: Error): void {
    if (this.#stopped !== undefined) return;
    this.#stopped = new Error(
      `The embedded database (PGlite) ${why === 'is closed' ? why : `thread ${why}`}`,
      cause === undefined ? undefined : { cause },
    );
    for (const pending of this.#pending.values()) pending.reject(this.#stopped);
    this.#pending.clear();
  }
}
