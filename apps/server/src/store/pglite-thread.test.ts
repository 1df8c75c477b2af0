import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PGliteThread } from './pglite-thread.js';

/** A thread that says it is ready, then dies on its first message. */
const CRASHING_ENTRY = new URL(
  `data:text/javascript,${encodeURIComponent(`
    import { parentPort } from 'node:worker_threads';
    parentPort.on('message', () => process.exit(3));
    parentPort.postMessage({ type: 'ready' });
  `)}`,
);

describe('PGliteThread', () => {
  let dir: string;
  let thread: PGliteThread;

  beforeAll(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'tandem-pglite-thread-'));
    thread = await PGliteThread.start(dir);
  });

  afterAll(async () => {
    await thread.close();
    await fs.rm(dir, { recursive: true, force: true });
  });

  it('passes bytes both ways unchanged, Buffer views included', async () => {
    const pooled = Buffer.from([0, 1, 2, 254, 255]); // a view into Node's shared pool
    const { rows } = await thread.query('select $1::bytea as a, $2::bytea as b', [
      pooled,
      new Uint8Array(0),
    ]);
    const [row] = rows as { a: Uint8Array; b: Uint8Array }[];
    expect(row!.a).toEqual(new Uint8Array([0, 1, 2, 254, 255]));
    expect(row!.b).toEqual(new Uint8Array(0));
    expect(pooled.byteLength).toBe(5); // still usable: params are copied, not moved
  });

  it('answers queries in the order they were sent', async () => {
    const answers = await Promise.all(
      Array.from({ length: 50 }, (_, i) => thread.query('select $1::int as n', [i])),
    );
    expect(answers.map((a) => (a.rows[0] as { n: number }).n)).toEqual(
      Array.from({ length: 50 }, (_, i) => i),
    );
  });

  it("keeps PostgreSQL's message and code on errors", async () => {
    const err: unknown = await thread.query('select * from no_such_table', []).catch((e) => e);
    expect(err).toBeInstanceOf(Error);
    expect(err).toMatchObject({
      message: 'relation "no_such_table" does not exist',
      code: '42P01',
    });
  });

  it('rejects a parameter that cannot cross threads, and stays usable', async () => {
    await expect(thread.query('select $1 as x', [() => 1])).rejects.toThrow(/could not be cloned/);
    const { rows } = await thread.query('select 1 as one', []);
    expect(rows).toEqual([{ one: 1 }]);
  });

  it('reports affected rows', async () => {
    await thread.query('create table t (n int)', []);
    const result = await thread.query('insert into t values (1), (2), (3)', []);
    expect(result.affectedRows).toBe(3);
  });
});

describe('PGliteThread lifecycle', () => {
  it('fails queries after close(), and close() is idempotent', async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'tandem-pglite-thread-'));
    try {
      const thread = await PGliteThread.start(dir);
      await Promise.all([thread.close(), thread.close()]);
      await expect(thread.query('select 1', [])).rejects.toThrow(
        'The embedded database (PGlite) is closed',
      );
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  });

  it('fails pending and later queries when the thread dies, instead of hanging', async () => {
    const thread = await PGliteThread.start(os.tmpdir(), { entry: CRASHING_ENTRY });
    await expect(thread.query('select 1', [])).rejects.toThrow(
      'The embedded database (PGlite) thread exited with code 3',
    );
    await expect(thread.query('select 1', [])).rejects.toThrow(/thread exited with code 3/);
    await thread.close();
  });

  it("rejects start with PGlite's error when the folder cannot be opened", async () => {
    const file = path.join(await fs.mkdtemp(path.join(os.tmpdir(), 'tandem-pglite-thread-')), 'f');
    await fs.writeFile(file, '');
    try {
      await expect(PGliteThread.start(file)).rejects.toThrow();
    } finally {
      await fs.rm(path.dirname(file), { recursive: true, force: true });
    }
  });
});
