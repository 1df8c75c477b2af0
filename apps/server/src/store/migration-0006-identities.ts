import { sql, type Kysely, type Migration } from 'kysely';

/**
 * Sign-in identities at OAuth/OIDC providers, linked to accounts by
 * (provider, subject) — never by email. One identity per provider per account.
 */
export const identitiesMigration: Migration = {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  async up(db: Kysely<any>): Promise<void> {
    await db.schema
      .createTable('identities')
      .addColumn('provider', 'text', (c) => c.notNull())
      .addColumn('subject', 'text', (c) => c.notNull())
      .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
      .addColumn('email', 'text')
      .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
      .addPrimaryKeyConstraint('identities_pkey', ['provider', 'subject'])
      .addUniqueConstraint('identities_user_provider', ['user_id', 'provider'])
      .execute();
  },
};
