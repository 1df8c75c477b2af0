/**
 * The jobs table on Kysely. A claim is one UPDATE over a `for update skip
 * locked` pick, so concurrent takers (several queue instances, several nodes
 * on one PostgreSQL) never take the same job; time is the database's `now()`,
 * one clock for every node.
 */
import { sql, type Kysely, type Selectable } from 'kysely';
import type { Database, JobsTable } from './db.js';
import type { JobStore, StoredJob } from './store.js';

const ms = (n: number) => sql`(cast(${n} as integer) * interval '1 millisecond')`;

function toJob(row: Selectable<JobsTable>): StoredJob {
  return {
    id: row.id,
    name: row.name,
    payload: row.payload,
    idempotencyKey: row.idempotency_key,
    status: row.status,
    attempts: row.attempts,
    maxAttempts: row.max_attempts,
    backoffMs: row.backoff_ms,
    lastError: row.last_error,
  };
}

export class SqlJobStore implements JobStore {
  constructor(private readonly db: Kysely<Database>) {}

  async add(job: Parameters<JobStore['add']>[0]): Promise<{ id: string; created: boolean }> {
    const inserted = await this.db
      .insertInto('jobs')
      .values({
        id: job.id,
        name: job.name,
        payload: JSON.stringify(job.payload ?? null),
        idempotency_key: job.idempotencyKey,
        status: 'queued',
        max_attempts: job.maxAttempts,
        backoff_ms: job.backoffMs,
        locked_by: null,
        locked_until: null,
        last_error: null,
        finished_at: null,
      })
      .onConflict((oc) => oc.columns(['name', 'idempotency_key']).doNothing())
      .returning('id')
      .executeTakeFirst();
    if (inserted) return { id: inserted.id, created: true };
    const existing = await this.db
      .selectFrom('jobs')
      .select('id')
      .where('name', '=', job.name)
      .where('idempotency_key', '=', job.idempotencyKey)
      .executeTakeFirstOrThrow();
    return { id: existing.id, created: false };
  }

  async claim(names: readonly string[], owner: string, leaseMs: number): Promise<StoredJob | null> {
    if (names.length === 0) return null;
    const { rows } = await sql<Selectable<JobsTable>>`
      update jobs
      set status = 'running', attempts = attempts + 1, locked_by = ${owner},
          locked_until = now() + ${ms(leaseMs)}
      where id = (
        select id from jobs
        where name in (${sql.join(names)})
          and ((status = 'queued' and run_at <= now())
            or (status = 'running' and locked_until < now()))
        order by run_at, created_at
        limit 1
        for update skip locked
      )
      returning *`.execute(this.db);
    return rows[0] ? toJob(rows[0]) : null;
  }

  async renew(id: string, owner: string, leaseMs: number): Promise<boolean> {
    const result = await this.db
      .updateTable('jobs')
      .set({ locked_until: sql<Date>`now() + ${ms(leaseMs)}` })
      .where('id', '=', id)
      .where('locked_by', '=', owner)
      .where('status', '=', 'running')
      .executeTakeFirst();
    return result.numUpdatedRows > 0n;
  }

  async complete(id: string, owner: string): Promise<boolean> {
    const result = await this.db
      .updateTable('jobs')
      .set({ status: 'done', locked_by: null, locked_until: null, finished_at: sql<Date>`now()` })
      .where('id', '=', id)
      .where('locked_by', '=', owner)
      .where('status', '=', 'running')
      .executeTakeFirst();
    return result.numUpdatedRows > 0n;
  }

  async fail(id: string, owner: string, error: string, retryInMs: number | null): Promise<boolean> {
    const result = await this.db
      .updateTable('jobs')
      .set(
        retryInMs === null
          ? {
              status: 'failed',
              last_error: error,
              locked_by: null,
              locked_until: null,
              finished_at: sql<Date>`now()`,
            }
          : {
              status: 'queued',
              last_error: error,
              locked_by: null,
              locked_until: null,
              run_at: sql<Date>`now() + ${ms(retryInMs)}`,
            },
      )
      .where('id', '=', id)
      .where('locked_by', '=', owner)
      .where('status', '=', 'running')
      .executeTakeFirst();
    return result.numUpdatedRows > 0n;
  }

  async get(id: string): Promise<StoredJob | null> {
    const row = await this.db
      .selectFrom('jobs')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirst();
    return row ? toJob(row) : null;
  }

  async purgeFinished(olderThanMs: number): Promise<number> {
    const result = await this.db
      .deleteFrom('jobs')
      .where('status', 'in', ['done', 'failed'])
      .where('finished_at', '<', sql<Date>`now() - ${ms(olderThanMs)}`)
      .executeTakeFirst();
    return Number(result.numDeletedRows);
  }
}
