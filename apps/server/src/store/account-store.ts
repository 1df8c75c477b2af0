/**
 * `Store.accounts` on Kysely (PGlite and PostgreSQL alike). Emails are unique
 * through an index on `lower(email)`; refresh-token exchanges lock the token's
 * row so that two exchanges of one token can never both succeed.
 */
import { sql, type Expression, type Kysely, type SqlBool } from 'kysely';
import type { EditorSettings, LanguageId } from '@tandem/protocol';
import { toNumber, type Database } from './db.js';
import {
  EmailTakenError,
  type AccountStore,
  type RotateOutcome,
  type StoredSession,
  type StoredSettings,
  type StoredTotp,
  type StoredUser,
} from './account-types.js';

const UNIQUE_VIOLATION = '23505';

interface UserRow {
  id: string;
  email: string;
  display_name: string;
  created_at: Date;
  two_factor: SqlBool;
}

interface SessionRow {
  id: string;
  user_id: string;
  created_at: Date;
  expires_at: Date;
  revoked_at: Date | null;
}

function toUser(row: UserRow): StoredUser {
  return {
    id: row.id,
    email: row.email,
    displayName: row.display_name,
    createdAt: row.created_at,
    twoFactorEnabled: Boolean(row.two_factor),
  };
}

function toSession(row: SessionRow): StoredSession {
  return {
    id: row.id,
    userId: row.user_id,
    createdAt: row.created_at,
    expiresAt: row.expires_at,
    revokedAt: row.revoked_at,
  };
}

function toSettings(row: { preferred_language: string | null; editor: unknown } | undefined) {
  const settings: StoredSettings = {
    preferredLanguage: (row?.preferred_language ?? null) as LanguageId | null,
    editor: (row?.editor ?? null) as EditorSettings | null,
  };
  return settings;
}

function isUniqueViolation(err: unknown): boolean {
  return (err as { code?: unknown } | null)?.code === UNIQUE_VIOLATION;
}

export class SqlAccountStore implements AccountStore {
  constructor(private readonly db: Kysely<Database>) {}

  /** Users with whether 2FA is on, as one select to filter further. */
  private users(db: Kysely<Database> = this.db) {
    return db
      .selectFrom('users')
      .leftJoin('totp_credentials as t', (j) =>
        j.onRef('t.user_id', '=', 'users.id').on('t.enabled_at', 'is not', null),
      )
      .select([
        'users.id',
        'users.email',
        'users.display_name',
        'users.created_at',
        (eb) => eb('t.user_id', 'is not', null).as('two_factor'),
      ]);
  }

  async createUser(user: Parameters<AccountStore['createUser']>[0]): Promise<StoredUser> {
    try {
      return await this.db.transaction().execute(async (trx) => {
        const row = await trx
          .insertInto('users')
          .values({ id: user.id, email: user.email, display_name: user.displayName })
          .returning(['id', 'email', 'display_name', 'created_at'])
          .executeTakeFirstOrThrow();
        if (user.passwordHash !== null) {
          await trx
            .insertInto('password_credentials')
            .values({ user_id: user.id, hash: user.passwordHash })
            .execute();
        }
        return toUser({ ...row, two_factor: false });
      });
    } catch (err) {
      if (isUniqueViolation(err)) throw new EmailTakenError();
      throw err;
    }
  }

  async getUser(id: string): Promise<StoredUser | null> {
    const row = await this.users().where('users.id', '=', id).executeTakeFirst();
    return row === undefined ? null : toUser(row);
  }

  async findByEmail(email: string) {
    const row = await this.users()
      .leftJoin('password_credentials as p', 'p.user_id', 'users.id')
      .select('p.hash')
      .where(sql<string>`lower(users.email)`, '=', email.toLowerCase())
      .executeTakeFirst();
    return row === undefined ? null : { user: toUser(row), passwordHash: row.hash };
  }

  async setPasswordHash(userId: string, hash: string): Promise<void> {
    await this.db
      .insertInto('password_credentials')
      .values({ user_id: userId, hash })
      .onConflict((oc) => oc.column('user_id').doUpdateSet({ hash, updated_at: sql<Date>`now()` }))
      .execute();
  }

  async createSession(
    session: Parameters<AccountStore['createSession']>[0],
    refreshTokenHash: string,
  ): Promise<StoredSession> {
    return this.db.transaction().execute(async (trx) => {
      const row = await trx
        .insertInto('auth_sessions')
        .values({
          id: session.id,
          user_id: session.userId,
          created_at: session.createdAt,
          expires_at: session.expiresAt,
          revoked_at: null,
          last_used_at: session.createdAt,
        })
        .returning(['id', 'user_id', 'created_at', 'expires_at', 'revoked_at'])
        .executeTakeFirstOrThrow();
      await trx
        .insertInto('refresh_tokens')
        .values({
          token_hash: refreshTokenHash,
          session_id: session.id,
          created_at: session.createdAt,
        })
        .execute();
      return toSession(row);
    });
  }

  async activeSession(id: string, now: Date) {
    const row = await this.users()
      .innerJoin('auth_sessions as s', 's.user_id', 'users.id')
      .select([
        's.id as session_id',
        's.created_at as session_created_at',
        's.expires_at',
        's.revoked_at',
      ])
      .where('s.id', '=', id)
      .where('s.revoked_at', 'is', null)
      .where('s.expires_at', '>', now)
      .executeTakeFirst();
    if (row === undefined) return null;
    return {
      user: toUser(row),
      session: toSession({
        id: row.session_id,
        user_id: row.id,
        created_at: row.session_created_at,
        expires_at: row.expires_at,
        revoked_at: row.revoked_at,
      }),
    };
  }

  async rotateRefreshToken(oldHash: string, newHash: string, now: Date): Promise<RotateOutcome> {
    return this.db.transaction().execute(async (trx) => {
      const token = await trx
        .selectFrom('refresh_tokens')
        .select(['session_id', 'used_at'])
        .where('token_hash', '=', oldHash)
        .forUpdate()
        .executeTakeFirst();
      if (token === undefined) return { kind: 'unknown' };
      const sessionRow = await trx
        .selectFrom('auth_sessions')
        .select(['id', 'user_id', 'created_at', 'expires_at', 'revoked_at'])
        .where('id', '=', token.session_id)
        .forUpdate()
        .executeTakeFirstOrThrow();
      const session = toSession(sessionRow);
      if (session.revokedAt !== null || session.expiresAt <= now) return { kind: 'ended', session };
      if (token.used_at !== null) {
        await trx
          .updateTable('auth_sessions')
          .set({ revoked_at: now })
          .where('id', '=', session.id)
          .execute();
        return { kind: 'reused', session: { ...session, revokedAt: now } };
      }
      await trx
        .updateTable('refresh_tokens')
        .set({ used_at: now })
        .where('token_hash', '=', oldHash)
        .execute();
      await trx
        .insertInto('refresh_tokens')
        .values({ token_hash: newHash, session_id: session.id, created_at: now })
        .execute();
      await trx
        .updateTable('auth_sessions')
        .set({ last_used_at: now })
        .where('id', '=', session.id)
        .execute();
      const user = await this.users(trx)
        .where('users.id', '=', session.userId)
        .executeTakeFirstOrThrow();
      return { kind: 'rotated', session, user: toUser(user) };
    });
  }

  async sessionByRefreshToken(tokenHash: string): Promise<StoredSession | null> {
    const row = await this.db
      .selectFrom('refresh_tokens as t')
      .innerJoin('auth_sessions as s', 's.id', 't.session_id')
      .select(['s.id', 's.user_id', 's.created_at', 's.expires_at', 's.revoked_at'])
      .where('t.token_hash', '=', tokenHash)
      .executeTakeFirst();
    return row === undefined ? null : toSession(row);
  }

  async revokeSession(id: string, now: Date): Promise<boolean> {
    const result = await this.db
      .updateTable('auth_sessions')
      .set({ revoked_at: now })
      .where('id', '=', id)
      .where('revoked_at', 'is', null)
      .executeTakeFirst();
    return result.numUpdatedRows > 0n;
  }

  async revokeUserSessions(userId: string, now: Date): Promise<string[]> {
    const rows = await this.db
      .updateTable('auth_sessions')
      .set({ revoked_at: now })
      .where('user_id', '=', userId)
      .where('revoked_at', 'is', null)
      .returning('id')
      .execute();
    return rows.map((r) => r.id);
  }

  async getSettings(userId: string): Promise<StoredSettings> {
    const row = await this.db
      .selectFrom('user_settings')
      .select(['preferred_language', 'editor'])
      .where('user_id', '=', userId)
      .executeTakeFirst();
    return toSettings(row);
  }

  async saveSettings(userId: string, settings: Parameters<AccountStore['saveSettings']>[1]) {
    return this.db.transaction().execute(async (trx) => {
      const updated = await trx
        .updateTable('users')
        .set({ display_name: settings.displayName })
        .where('id', '=', userId)
        .returning('id')
        .executeTakeFirst();
      if (updated === undefined) return null;
      const editor = JSON.stringify(settings.editor);
      const row = await trx
        .insertInto('user_settings')
        .values({ user_id: userId, preferred_language: settings.preferredLanguage, editor })
        .onConflict((oc) =>
          oc.column('user_id').doUpdateSet({
            preferred_language: settings.preferredLanguage,
            editor,
            updated_at: sql<Date>`now()`,
          }),
        )
        .returning(['preferred_language', 'editor'])
        .executeTakeFirstOrThrow();
      const user = await this.users(trx).where('users.id', '=', userId).executeTakeFirstOrThrow();
      return { user: toUser(user), settings: toSettings(row) };
    });
  }

  async getTotp(userId: string): Promise<StoredTotp | null> {
    const row = await this.db
      .selectFrom('totp_credentials')
      .select(['secret', 'enabled_at', 'last_used_step'])
      .where('user_id', '=', userId)
      .executeTakeFirst();
    if (row === undefined) return null;
    return {
      secret: row.secret,
      enabled: row.enabled_at !== null,
      lastUsedStep: row.last_used_step === null ? null : toNumber(row.last_used_step),
    };
  }

  async startTotpEnrolment(userId: string, secret: string): Promise<boolean> {
    const row = await this.db
      .insertInto('totp_credentials')
      .values({ user_id: userId, secret, enabled_at: null, last_used_step: null })
      .onConflict((oc) =>
        oc
          .column('user_id')
          .doUpdateSet({ secret, last_used_step: null })
          .where('totp_credentials.enabled_at', 'is', null),
      )
      .returning('user_id')
      .executeTakeFirst();
    return row !== undefined;
  }

  async enableTotp(userId: string, step: number, recoveryCodeHashes: readonly string[]) {
    return this.db.transaction().execute(async (trx) => {
      const row = await trx
        .updateTable('totp_credentials')
        .set({ enabled_at: sql<Date>`now()`, last_used_step: step })
        .where('user_id', '=', userId)
        .where('enabled_at', 'is', null)
        .where(unusedStep(step))
        .returning('user_id')
        .executeTakeFirst();
      if (row === undefined) return false;
      await trx.deleteFrom('recovery_codes').where('user_id', '=', userId).execute();
      if (recoveryCodeHashes.length > 0) {
        await trx
          .insertInto('recovery_codes')
          .values(
            recoveryCodeHashes.map((code_hash) => ({ user_id: userId, code_hash, used_at: null })),
          )
          .execute();
      }
      return true;
    });
  }

  async useTotpStep(userId: string, step: number): Promise<boolean> {
    const row = await this.db
      .updateTable('totp_credentials')
      .set({ last_used_step: step })
      .where('user_id', '=', userId)
      .where('enabled_at', 'is not', null)
      .where(unusedStep(step))
      .returning('user_id')
      .executeTakeFirst();
    return row !== undefined;
  }

  async useRecoveryCode(userId: string, codeHash: string, now: Date): Promise<boolean> {
    const row = await this.db
      .updateTable('recovery_codes')
      .set({ used_at: now })
      .where('user_id', '=', userId)
      .where('code_hash', '=', codeHash)
      .where('used_at', 'is', null)
      .returning('user_id')
      .executeTakeFirst();
    return row !== undefined;
  }

  async remainingRecoveryCodes(userId: string): Promise<number> {
    const { n } = await this.db
      .selectFrom('recovery_codes')
      .select((eb) => eb.fn.countAll<number | string>().as('n'))
      .where('user_id', '=', userId)
      .where('used_at', 'is', null)
      .executeTakeFirstOrThrow();
    return toNumber(n);
  }

  async disableTotp(userId: string): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      await trx.deleteFrom('recovery_codes').where('user_id', '=', userId).execute();
      await trx.deleteFrom('totp_credentials').where('user_id', '=', userId).execute();
    });
  }
}

/** No code of `step` or of an earlier step was accepted yet. */
function unusedStep(step: number): Expression<SqlBool> {
  return sql<SqlBool>`(last_used_step is null or last_used_step < ${step})`;
}
