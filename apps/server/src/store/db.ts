/**
 * The database schema as Kysely types, and opening a Kysely instance on the
 * driver the configuration selects: a `pg` pool when `databaseUrl` is set,
 * embedded PGlite under `dataDir/pglite` otherwise, on a thread of its own
 * (`pglite-thread.ts`). The tables themselves are
 * created by `migrations.ts`; keep both in step.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import { Kysely, PostgresDialect, type ColumnType, type Generated } from 'kysely';
import pg from 'pg';
import type { Logger } from 'pino';
import type { LanguageId } from '@tandem/protocol';
import type { Config } from '../config.js';
import { pgliteDialect } from './pglite-dialect.js';
import { PGliteThread } from './pglite-thread.js';
import { namedStatementPool } from './precompiled.js';

/**
 * A `bigint`/`bigserial` column as the drivers return it: a string from `pg`,
 * a number from PGlite. Convert with `toNumber` before it leaves the store.
 */
type Int8 = string | number;

export interface RoomsTable {
  id: string;
  title: string;
  language: LanguageId;
  created_at: ColumnType<Date, Date | undefined, never>;
  updated_at: ColumnType<Date, Date | undefined, Date>;
}

export interface DocUpdatesTable {
  seq: ColumnType<Int8, never, never>;
  room_id: string;
  author: string;
  at: Date;
  update: Uint8Array;
}

export interface DocSnapshotsTable {
  room_id: string;
  seq: ColumnType<Int8, number, number>;
  state: Uint8Array;
  updated_at: ColumnType<Date, Date | undefined, Date>;
}

export interface RoomEventsTable {
  id: Generated<Int8>;
  room_id: string;
  type: string;
  actor: string | null;
  /** Written as JSON text (the same on both drivers), read back as an object. */
  payload: ColumnType<Record<string, unknown>, string, string>;
  at: Date;
}

export interface RunsTable {
  id: string;
  room_id: string | null;
  requested_by: string;
  requested_by_name: string;
  language: string;
  problem_id: string | null;
  source: string;
  stdin: string;
  status: 'queued' | 'running' | 'finished';
  verdict: string | null;
  backend: string | null;
  /** `{ compile, result, cases, summary }` once finished; JSON text in, object out. */
  outcome: ColumnType<Record<string, unknown> | null, string | null, string | null>;
  created_at: ColumnType<Date, Date, never>;
  finished_at: Date | null;
}

/** A background job of the embedded queue (`apps/server/src/queue/db-queue.ts`). */
export interface JobsTable {
  id: string;
  name: string;
  /** JSON text in, the value out. */
  payload: ColumnType<unknown, string, never>;
  idempotency_key: string;
  status: 'queued' | 'running' | 'done' | 'failed';
  /** Attempts started (a claim counts one). */
  attempts: ColumnType<number, never, number>;
  max_attempts: number;
  backoff_ms: number;
  /** When a queued job may next be taken. */
  run_at: ColumnType<Date, never, Date>;
  /** Which queue instance holds a running job, and until when (its lease). */
  locked_by: string | null;
  locked_until: Date | null;
  last_error: string | null;
  created_at: ColumnType<Date, never, never>;
  finished_at: Date | null;
}

/** Emails delivered (or being attempted), by idempotency key: what stops a second send. */
export interface MailSentTable {
  idempotency_key: string;
  attempts: number;
  message_id: string | null;
  first_attempt_at: ColumnType<Date, never, never>;
  sent_at: Date | null;
  /** The attempt that claimed the email just before ending its message (`SentLog.claim`). */
  claim_token: string | null;
  claimed_at: Date | null;
  /** Taken as sent without proof: the claiming attempt never learnt the server's answer. */
  uncertain: ColumnType<boolean, boolean | undefined, boolean>;
}

export interface UsersTable {
  id: string;
  email: string;
  display_name: string;
  created_at: ColumnType<Date, Date | undefined, never>;
}

export interface PasswordCredentialsTable {
  user_id: string;
  /** PHC string (argon2id parameters, salt and hash). */
  hash: string;
  updated_at: ColumnType<Date, Date | undefined, Date>;
}

export interface AuthSessionsTable {
  id: string;
  user_id: string;
  created_at: ColumnType<Date, Date, never>;
  /** Absolute end of the family: no refresh extends it. */
  expires_at: ColumnType<Date, Date, never>;
  revoked_at: Date | null;
  last_used_at: Date;
}

export interface RefreshTokensTable {
  /** SHA-256 of the token, hex. */
  token_hash: string;
  session_id: string;
  created_at: ColumnType<Date, Date, never>;
  /** Set when the token was exchanged for the next one; a second use is a reuse. */
  used_at: Date | null;
}

export interface UserSettingsTable {
  user_id: string;
  preferred_language: string | null;
  /** EditorSettings; JSON text in, object out. */
  editor: ColumnType<Record<string, unknown>, string, string>;
  updated_at: ColumnType<Date, Date | undefined, Date>;
}

export interface TotpCredentialsTable {
  user_id: string;
  secret: string;
  enabled_at: Date | null;
  /** The last 30 s step a code was accepted for: no code of it or before is accepted again. */
  last_used_step: ColumnType<Int8 | null, number | null, number | null>;
  created_at: ColumnType<Date, Date | undefined, never>;
}

export interface RecoveryCodesTable {
  user_id: string;
  /** SHA-256 of the normalised code, hex. */
  code_hash: string;
  used_at: Date | null;
}

export interface InterviewsTable {
  room_id: string;
  owner_account_id: string;
  /** Invite link secrets, kept so staff can copy the links again; rotating replaces them. */
  interviewer_key: string;
  candidate_key: string;
  problem_id: string | null;
  /** `[{ index, at }]` of the current problem's revealed hints; JSON text in, array out. */
  revealed_hints: ColumnType<{ index: number; at: string }[], string | undefined, string>;
  editor_locked: ColumnType<boolean, boolean | undefined, boolean>;
  run_enabled: ColumnType<boolean, boolean | undefined, boolean>;
  ended_at: Date | null;
}

export interface InterviewParticipantsTable {
  id: string;
  room_id: string;
  account_id: string | null;
  /** SHA-256 (hex) of a candidate's guest token; null for accounts. */
  guest_token_hash: string | null;
  role: 'host' | 'interviewer' | 'observer' | 'candidate';
  status: 'waiting' | 'admitted' | 'denied' | 'removed';
  name: string;
  email: string | null;
  created_at: ColumnType<Date, Date | undefined, never>;
  updated_at: ColumnType<Date, Date | undefined, Date>;
}

export interface InterviewNoteUpdatesTable {
  seq: ColumnType<Int8, never, never>;
  room_id: string;
  author: string;
  at: Date;
  update: Uint8Array;
}

export interface InterviewScorecardsTable {
  room_id: string;
  participant_id: string;
  ratings: ColumnType<Record<string, number | null>, string, string>;
  recommendation: string | null;
  comments: string;
  updated_at: Date;
}

export interface IdentitiesTable {
  provider: string;
  subject: string;
  user_id: string;
  email: string | null;
  created_at: ColumnType<Date, Date | undefined, never>;
}

export interface ProfileFilesTable {
  user_id: string;
  kind: 'avatar' | 'resume';
  blob_key: string;
  content_type: string;
  byte_size: number;
  file_name: string;
  created_at: ColumnType<Date, Date | undefined, Date>;
}

export interface Database {
  identities: IdentitiesTable;
  profile_files: ProfileFilesTable;
  jobs: JobsTable;
  mail_sent: MailSentTable;
  users: UsersTable;
  password_credentials: PasswordCredentialsTable;
  auth_sessions: AuthSessionsTable;
  refresh_tokens: RefreshTokensTable;
  user_settings: UserSettingsTable;
  totp_credentials: TotpCredentialsTable;
  recovery_codes: RecoveryCodesTable;
  interviews: InterviewsTable;
  interview_participants: InterviewParticipantsTable;
  interview_note_updates: InterviewNoteUpdatesTable;
  interview_scorecards: InterviewScorecardsTable;
  runs: RunsTable;
  rooms: RoomsTable;
  doc_updates: DocUpdatesTable;
  doc_snapshots: DocSnapshotsTable;
  room_events: RoomEventsTable;
}

export type DatabaseConfig = Pick<Config, 'dataDir' | 'databaseUrl' | 'databasePoolSize'>;

/** Which database a config points at, for messages; never includes a password. */
export function describeDatabase(config: DatabaseConfig): string {
  if (config.databaseUrl === undefined) {
    return `embedded PGlite in ${path.join(config.dataDir, 'pglite')}`;
  }
  try {
    const url = new URL(config.databaseUrl);
    return `PostgreSQL at ${url.hostname}:${url.port || '5432'}${url.pathname}`;
  } catch {
    return 'PostgreSQL (unparsable DATABASE_URL)';
  }
}

/**
 * Opens a Kysely instance. PGlite starts here (and may fail here); a `pg` pool
 * connects lazily, on the first query. `db.destroy()` closes either.
 */
export async function openDatabase(
  config: DatabaseConfig,
  logger?: Logger,
): Promise<Kysely<Database>> {
  if (config.databaseUrl !== undefined) {
    const pool = new pg.Pool({
      connectionString: config.databaseUrl,
      max: config.databasePoolSize,
      // Without it, an unreachable host (dropped packets) hangs the boot forever.
      connectionTimeoutMillis: 10_000,
    });
    // A connection losing its server (a restart, a crash, a network cut) must
    // not crash the process. The pool listens only while a client is idle; a
    // client checked out between two statements of a transaction emits its
    // 'error' with nobody listening, which would throw. So every client gets
    // a listener of its own for its whole life. The broken client is not
    // queryable any more: its query rejects, and the pool discards it on release.
    pool.on('connect', (client) => {
      client.on('error', (err) =>
        logger?.warn(
          { err: err.message, code: (err as { code?: string }).code },
          'PostgreSQL connection lost',
        ),
      );
    });
    pool.on('error', () => {
      // Already logged by the client's own listener above; the pool drops the client.
    });
    return new Kysely<Database>({
      dialect: new PostgresDialect({ pool: namedStatementPool(pool) }),
    });
  }
  const dir = path.join(config.dataDir, 'pglite');
  await fs.mkdir(dir, { recursive: true });
  const thread = await PGliteThread.start(dir);
  return new Kysely<Database>({ dialect: pgliteDialect(thread) });
}

/** Converts an int8 value from either driver; throws rather than lose precision. */
export function toNumber(value: Int8 | bigint): number {
  const n = Number(value);
  if (!Number.isSafeInteger(n)) throw new RangeError(`Expected a safe integer, got ${value}`);
  return n;
}

/**
 * A bytea value as a plain Uint8Array (a view, no copy): `pg` returns Buffers,
 * PGlite Uint8Arrays, and callers should not see which driver ran.
 */
export function toBytes(value: Uint8Array): Uint8Array {
  return value.constructor === Uint8Array
    ? value
    : new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
}
