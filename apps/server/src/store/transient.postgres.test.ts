/**
 * What a real PostgreSQL does to our pool when connections die, and which of
 * its errors the store treats as worth trying again.
 */
import { Writable } from 'node:stream';
import { sql } from 'kysely';
import pg from 'pg';
import { pino } from 'pino';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { openDatabase } from './db.js';
import { createTestDatabase } from './store.contract-postgres.js';
import { isTransientStoreError } from './transient.js';

const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const f of cleanup.splice(0).reverse()) await f().catch(() => undefined);
});

/** A logger whose messages the test can read. */
function capturingLogger() {
  const messages: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      messages.push((JSON.parse(chunk.toString()) as { msg: string }).msg);
      done();
    },
  });
  return { logger: pino({ level: 'warn' }, stream), messages };
}

async function terminate(url: string, pid: number): Promise<void> {
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  try {
    await admin.query('select pg_terminate_backend($1)', [pid]);
  } finally {
    await admin.end();
  }
}

describe('the PostgreSQL pool when connections die', () => {
  it('a connection killed while a transaction holds it between statements does not crash the process (the restart-test crash); the transaction fails transiently and the pool goes on', async () => {
    const database = await createTestDatabase();
    cleanup.push(database.drop);
    const { logger, messages } = capturingLogger();
    const db = await openDatabase(
      { dataDir: '/nonexistent', databaseUrl: database.url, databasePoolSize: 2 },
      logger,
    );
    cleanup.push(() => db.destroy());

    const failure = await db
      .transaction()
      .execute(async (trx) => {
        const { rows } = await sql<{ pid: number }>`select pg_backend_pid() as pid`.execute(trx);
        // The server ends this backend (as a fast shutdown does: 57P01) while
        // the client is checked out and idle: pg emits 'error' on the client.
        await terminate(database.url, rows[0]!.pid);
        await vi.waitFor(() => expect(messages).toContain('PostgreSQL connection lost'), {
          timeout: 10_000,
        });
        await sql`select 1`.execute(trx);
      })
      .then(
        () => null,
        (err: unknown) => err,
      );
    expect(failure).toBeInstanceOf(Error);
    expect(isTransientStoreError(failure)).toBe(true);
    const { rows } = await sql<{ one: number }>`select 1 as one`.execute(db);
    expect(rows).toEqual([{ one: 1 }]);
  });

  it('an idle pooled connection killed by the server is dropped, and the next query gets a fresh one', async () => {
    const database = await createTestDatabase();
    cleanup.push(database.drop);
    const { logger, messages } = capturingLogger();
    const db = await openDatabase(
      { dataDir: '/nonexistent', databaseUrl: database.url, databasePoolSize: 1 },
      logger,
    );
    cleanup.push(() => db.destroy());
    const before = await sql<{ pid: number }>`select pg_backend_pid() as pid`.execute(db);
    await terminate(database.url, before.rows[0]!.pid);
    await vi.waitFor(() => expect(messages).toContain('PostgreSQL connection lost'), {
      timeout: 10_000,
    });
    const after = await sql<{ pid: number }>`select pg_backend_pid() as pid`.execute(db);
    expect(after.rows[0]!.pid).not.toBe(before.rows[0]!.pid);
  });
});

describe('isTransientStoreError on real failures', () => {
  it('a refused connection is transient; a constraint the server refuses is not', async () => {
    const refused = new pg.Client({ connectionString: 'postgres://postgres@127.0.0.1:1/x' });
    const connectError = await refused.connect().then(
      () => null,
      (err: unknown) => err,
    );
    expect(isTransientStoreError(connectError)).toBe(true);

    const database = await createTestDatabase();
    cleanup.push(database.drop);
    const client = new pg.Client({ connectionString: database.url });
    await client.connect();
    cleanup.push(() => client.end());
    await client.query('create table t (id int primary key)');
    await client.query('insert into t values (1)');
    const duplicate = await client.query('insert into t values (1)').then(
      () => null,
      (err: unknown) => err,
    );
    expect((duplicate as { code?: string }).code).toBe('23505');
    expect(isTransientStoreError(duplicate)).toBe(false);
    expect(isTransientStoreError(new RangeError('Snapshot seq 9 is beyond the log'))).toBe(false);
  });

  it('wrapped errors and the SQLSTATEs of a server going away', () => {
    const wrapped = new Error('Could not reach PostgreSQL', {
      cause: Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }),
    });
    expect(isTransientStoreError(wrapped)).toBe(true);
    for (const code of ['57P01', '57P02', '57P03', '08006', '08001', '53300', '40001']) {
      expect(isTransientStoreError(Object.assign(new Error('x'), { code })), code).toBe(true);
    }
    for (const code of ['23505', '22001', '42P01', '0A000']) {
      expect(isTransientStoreError(Object.assign(new Error('x'), { code })), code).toBe(false);
    }
    expect(isTransientStoreError(new Error('Connection terminated unexpectedly'))).toBe(true);
    expect(isTransientStoreError(new AggregateError([new Error('a'), wrapped], ''))).toBe(true);
    expect(isTransientStoreError('down')).toBe(false);
  });
});
