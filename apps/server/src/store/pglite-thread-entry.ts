/**
 * The thread that owns the embedded database: opens PGlite in the folder it is
 * given, then answers `ToThread` messages one at a time, in the order they
 * arrive. Started by `PGliteThread`; never imported.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { PGlite, types } from '@electric-sql/pglite';
import type {
  FromThread,
  SerializedError,
  ThreadData,
  ToThread,
} from './pglite-thread-messages.js';

const port = parentPort;
if (port === null) throw new Error('pglite-thread-entry.ts runs only as a worker thread');
const { dataDir } = workerData as ThreadData;

function send(message: FromThread, transfer: ArrayBuffer[] = []): void {
  port!.postMessage(message, transfer);
}

function serializeError(err: unknown): SerializedError {
  if (!(err instanceof Error)) {
    return { name: 'Error', message: String(err), stack: undefined, fields: {} };
  }
  const fields: SerializedError['fields'] = {};
  for (const [key, value] of Object.entries(err)) {
    const kind = typeof value;
    if (kind === 'string' || kind === 'number' || kind === 'boolean') {
      fields[key] = value as string | number | boolean;
    }
  }
  return { name: err.name, message: err.message, stack: err.stack, fields };
}

/**
 * The ArrayBuffers behind the rows' byte values. They are fresh (see the bytea
 * parser below) and dropped here once sent, so they move instead of being
 * copied. Parameters are never transferred: they belong to the caller.
 */
function buffersOf(rows: readonly unknown[]): ArrayBuffer[] {
  const buffers = new Set<ArrayBuffer>();
  for (const row of rows) {
    if (row === null || typeof row !== 'object') continue;
    for (const value of Object.values(row)) {
      if (value instanceof Uint8Array && value.buffer instanceof ArrayBuffer) {
        buffers.add(value.buffer);
      }
    }
  }
  return [...buffers];
}

/**
 * PGlite sends bytea as `\x` hex text both ways and its own converters go
 * byte by byte through strings; Buffer's hex codec does the same in C++. Every
 * stored document update is a bytea, so this is on the write path of each edit.
 */
const byteaSerializer = (value: Uint8Array): string =>
  '\\x' + Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('hex');

const byteaParser = (text: string): Uint8Array => {
  const bytes = new Uint8Array((text.length - 2) / 2);
  Buffer.from(bytes.buffer).write(text.slice(2), 'hex');
  return bytes;
};

async function open(): Promise<PGlite | undefined> {
  try {
    return await PGlite.create(dataDir, {
      serializers: { [types.BYTEA]: byteaSerializer as (value: unknown) => string },
      parsers: { [types.BYTEA]: byteaParser },
    });
  } catch (err) {
    send({ type: 'open-failed', error: serializeError(err) });
    return undefined;
  }
}

async function handle(pglite: PGlite, message: ToThread): Promise<void> {
  switch (message.type) {
    case 'query': {
      let rows: unknown[];
      let affectedRows: number;
      try {
        const result = await pglite.query(message.sql, message.params);
        rows = result.rows;
        affectedRows = result.affectedRows ?? 0;
      } catch (err) {
        send({ type: 'error', id: message.id, error: serializeError(err) });
        return;
      }
      send({ type: 'rows', id: message.id, rows, affectedRows }, buffersOf(rows));
      return;
    }
    case 'close': {
      let error: SerializedError | undefined;
      try {
        await pglite.close();
      } catch (err) {
        error = serializeError(err);
      }
      send({ type: 'closed', error });
      port!.close();
      return;
    }
  }
}

const pglite = await open();
if (pglite === undefined) {
  port.close();
} else {
  let queue = Promise.resolve();
  port.on('message', (message: ToThread) => {
    queue = queue.then(() => handle(pglite, message));
  });
  send({ type: 'ready' });
}
