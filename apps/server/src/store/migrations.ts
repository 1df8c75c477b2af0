/**
 * Versioned schema migrations, kept in code so the one build carries its own
 * schema. `createStore` runs them at start, under Kysely's migration lock, so
 * several nodes booting at once apply each migration exactly once.
 *
 * Rules: never edit a migration that has shipped; add a new one with the next
 * number. Names sort in apply order. Keep `db.ts` types in step.
 */
import { Migrator, sql, type Kysely, type Migration, type MigrationProvider } from 'kysely';
import type { Logger } from 'pino';
import { accountsMigration } from './migration-0003-accounts.js';
import { interviewsMigration } from './migration-0005-interviews.js';
import { identitiesMigration } from './migration-0006-identities.js';
import { uploadsMigration } from './migration-0007-uploads.js';
import { mailClaimsMigration } from './migration-0008-mail-claims.js';

export const MIGRATIONS: Readonly<Record<string, Migration>> = {
  '0001_rooms_docs_timeline': {
    // Migrations see the database as it was then, not today's `Database` type.
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    async up(db: Kysely<any>): Promise<void> {
      await db.schema
        .createTable('rooms')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('title', 'text', (c) => c.notNull())
        .addColumn('language', 'text', (c) => c.notNull())
        .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
        .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
        .execute();

      await db.schema
        .createTable('doc_updates')
        .addColumn('seq', 'bigserial', (c) => c.primaryKey())
        .addColumn('room_id', 'text', (c) => c.notNull().references('rooms.id'))
        .addColumn('author', 'text', (c) => c.notNull())
        .addColumn('at', 'timestamptz', (c) => c.notNull())
        .addColumn('update', 'bytea', (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('doc_updates_room_seq')
        .on('doc_updates')
        .columns(['room_id', 'seq'])
        .execute();

      await db.schema
        .createTable('doc_snapshots')
        .addColumn('room_id', 'text', (c) => c.primaryKey().references('rooms.id'))
        .addColumn('seq', 'bigint', (c) => c.notNull())
        .addColumn('state', 'bytea', (c) => c.notNull())
        .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
        .execute();

      await db.schema
        .createTable('room_events')
        .addColumn('id', 'bigserial', (c) => c.primaryKey())
        .addColumn('room_id', 'text', (c) => c.notNull().references('rooms.id'))
        .addColumn('type', 'text', (c) => c.notNull())
        .addColumn('actor', 'text')
        .addColumn('payload', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
        .addColumn('at', 'timestamptz', (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('room_events_room_id')
        .on('room_events')
        .columns(['room_id', 'id'])
        .execute();
    },
  },
  '0002_runs': {
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    async up(db: Kysely<any>): Promise<void> {
      await db.schema
        .createTable('runs')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('room_id', 'text', (c) => c.references('rooms.id'))
        .addColumn('requested_by', 'text', (c) => c.notNull())
        .addColumn('requested_by_name', 'text', (c) => c.notNull())
        .addColumn('language', 'text', (c) => c.notNull())
        .addColumn('problem_id', 'text')
        .addColumn('source', 'text', (c) => c.notNull())
        .addColumn('stdin', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('verdict', 'text')
        .addColumn('backend', 'text')
        .addColumn('outcome', 'jsonb')
        .addColumn('created_at', 'timestamptz', (c) => c.notNull())
        .addColumn('finished_at', 'timestamptz')
        .execute();
      await db.schema
        .createIndex('runs_status_created')
        .on('runs')
        .columns(['status', 'created_at'])
        .execute();
      await db.schema
        .createIndex('runs_room_created')
        .on('runs')
        .columns(['room_id', 'created_at'])
        .execute();
    },
  },
  '0003_accounts': accountsMigration,
  '0004_jobs': {
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    async up(db: Kysely<any>): Promise<void> {
      await db.schema
        .createTable('jobs')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('payload', 'jsonb', (c) => c.notNull())
        .addColumn('idempotency_key', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull().defaultTo('queued'))
        .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('max_attempts', 'integer', (c) => c.notNull())
        .addColumn('backoff_ms', 'integer', (c) => c.notNull())
        .addColumn('run_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
        .addColumn('locked_by', 'text')
        .addColumn('locked_until', 'timestamptz')
        .addColumn('last_error', 'text')
        .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
        .addColumn('finished_at', 'timestamptz')
        .addUniqueConstraint('jobs_name_idempotency_key', ['name', 'idempotency_key'])
        .execute();
      await db.schema
        .createIndex('jobs_status_run_at')
        .on('jobs')
        .columns(['status', 'run_at'])
        .execute();

      await db.schema
        .createTable('mail_sent')
        .addColumn('idempotency_key', 'text', (c) => c.primaryKey())
        .addColumn('attempts', 'integer', (c) => c.notNull())
        .addColumn('message_id', 'text')
        .addColumn('first_attempt_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
        .addColumn('sent_at', 'timestamptz')
        .execute();
    },
  },
  '0005_interviews': interviewsMigration,
  '0006_identities': identitiesMigration,
  '0007_uploads': uploadsMigration,
  '0008_mail_claims': mailClaimsMigration,
};

/**
 * Applies every pending migration, all in one transaction (PostgreSQL has
 * transactional DDL): on failure none of this run's migrations stays applied,
 * and the Error names the failed migration and its cause.
 */
export async function migrateToLatest(
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  db: Kysely<any>,
  logger?: Logger,
  migrations: Readonly<Record<string, Migration>> = MIGRATIONS,
): Promise<void> {
  const provider: MigrationProvider = { getMigrations: async () => ({ ...migrations }) };
  const { error, results = [] } = await new Migrator({ db, provider }).migrateToLatest();
  for (const r of results) {
    if (r.status === 'Success') logger?.info({ migration: r.migrationName }, 'migration applied');
  }
  if (error !== undefined) {
    const failed = results.find((r) => r.status === 'Error')?.migrationName;
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(
      failed === undefined
        ? `Database migrations could not run: ${reason}`
        : `Database migration "${failed}" failed: ${reason}`,
      { cause: error },
    );
  }
}
