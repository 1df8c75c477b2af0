/** `Store.identities` and `Store.profileFiles` on Kysely (PGlite and PostgreSQL alike). */
import { sql, type Kysely, type Selectable } from 'kysely';
import type { OAuthProviderId } from '@tandem/protocol';
import { EmailTakenError, type StoredUser } from './account-types.js';
import type { Database, ProfileFilesTable } from './db.js';
import {
  IdentityTakenError,
  type IdentityStore,
  type ProfileFileKind,
  type ProfileFileStore,
  type StoredIdentity,
  type StoredProfileFile,
} from './profile-types.js';

const UNIQUE_VIOLATION = '23505';
const constraintOf = (err: unknown): string | null => {
  const e = err as { code?: unknown; constraint?: unknown; message?: unknown } | null;
  if (e?.code !== UNIQUE_VIOLATION) return null;
  return typeof e.constraint === 'string' ? e.constraint : String(e.message ?? '');
};

function toIdentity(row: {
  provider: string;
  subject: string;
  user_id: string;
  email: string | null;
  created_at: Date;
}): StoredIdentity {
  return {
    provider: row.provider as OAuthProviderId,
    subject: row.subject,
    userId: row.user_id,
    email: row.email,
    createdAt: row.created_at,
  };
}

/** Only the columns: callers may pass a richer object (a provider's identity). */
const identityRow = (
  userId: string,
  i: Pick<StoredIdentity, 'provider' | 'subject' | 'email'>,
) => ({
  provider: i.provider,
  subject: i.subject,
  email: i.email,
  user_id: userId,
});

export class SqlIdentityStore implements IdentityStore {
  constructor(private readonly db: Kysely<Database>) {}

  async find(provider: OAuthProviderId, subject: string): Promise<StoredIdentity | null> {
    const row = await this.db
      .selectFrom('identities')
      .selectAll()
      .where('provider', '=', provider)
      .where('subject', '=', subject)
      .executeTakeFirst();
    return row === undefined ? null : toIdentity(row);
  }

  async link(userId: string, identity: Pick<StoredIdentity, 'provider' | 'subject' | 'email'>) {
    try {
      await this.db.insertInto('identities').values(identityRow(userId, identity)).execute();
    } catch (err) {
      if (constraintOf(err) !== null) throw new IdentityTakenError();
      throw err;
    }
  }

  async createUserWithIdentity(
    user: { id: string; email: string; displayName: string },
    identity: Pick<StoredIdentity, 'provider' | 'subject' | 'email'>,
  ): Promise<StoredUser> {
    try {
      return await this.db.transaction().execute(async (trx) => {
        const row = await trx
          .insertInto('users')
          .values({ id: user.id, email: user.email, display_name: user.displayName })
          .returning(['id', 'email', 'display_name', 'created_at'])
          .executeTakeFirstOrThrow();
        await trx.insertInto('identities').values(identityRow(user.id, identity)).execute();
        return {
          id: row.id,
          email: row.email,
          displayName: row.display_name,
          createdAt: row.created_at,
          twoFactorEnabled: false,
        };
      });
    } catch (err) {
      const constraint = constraintOf(err);
      if (constraint === null) throw err;
      throw constraint.includes('users_email') ? new EmailTakenError() : new IdentityTakenError();
    }
  }

  async listForUser(userId: string): Promise<StoredIdentity[]> {
    const rows = await this.db
      .selectFrom('identities')
      .selectAll()
      .where('user_id', '=', userId)
      .orderBy('created_at')
      .execute();
    return rows.map(toIdentity);
  }
}

export class SqlProfileFileStore implements ProfileFileStore {
  constructor(private readonly db: Kysely<Database>) {}

  private rows() {
    return this.db.selectFrom('profile_files').selectAll();
  }

  private static toFile(row: Selectable<ProfileFilesTable>): StoredProfileFile {
    return {
      userId: row.user_id,
      kind: row.kind,
      blobKey: row.blob_key,
      contentType: row.content_type,
      byteSize: row.byte_size,
      fileName: row.file_name,
      createdAt: row.created_at,
    };
  }

  async get(userId: string, kind: ProfileFileKind): Promise<StoredProfileFile | null> {
    const row = await this.rows()
      .where('user_id', '=', userId)
      .where('kind', '=', kind)
      .executeTakeFirst();
    return row === undefined ? null : SqlProfileFileStore.toFile(row);
  }

  async list(userId: string): Promise<StoredProfileFile[]> {
    const rows = await this.rows().where('user_id', '=', userId).execute();
    return rows.map((r) => SqlProfileFileStore.toFile(r));
  }

  async put(file: Omit<StoredProfileFile, 'createdAt'>): Promise<string | null> {
    return this.db.transaction().execute(async (trx) => {
      const previous = await trx
        .selectFrom('profile_files')
        .select('blob_key')
        .where('user_id', '=', file.userId)
        .where('kind', '=', file.kind)
        .forUpdate()
        .executeTakeFirst();
      const values = {
        blob_key: file.blobKey,
        content_type: file.contentType,
        byte_size: file.byteSize,
        file_name: file.fileName,
      };
      await trx
        .insertInto('profile_files')
        .values({ user_id: file.userId, kind: file.kind, ...values })
        .onConflict((oc) =>
          oc.columns(['user_id', 'kind']).doUpdateSet({ ...values, created_at: sql<Date>`now()` }),
        )
        .execute();
      return previous?.blob_key ?? null;
    });
  }

  async remove(userId: string, kind: ProfileFileKind): Promise<string | null> {
    const row = await this.db
      .deleteFrom('profile_files')
      .where('user_id', '=', userId)
      .where('kind', '=', kind)
      .returning('blob_key')
      .executeTakeFirst();
    return row?.blob_key ?? null;
  }
}
