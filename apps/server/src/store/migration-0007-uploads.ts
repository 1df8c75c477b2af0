import { sql, type Kysely, type Migration } from 'kysely';

/**
 * An account's uploaded files (avatar, resume): the blob key the server made,
 * the type it decided on from the bytes, size and a safe file name. One row
 * per (account, kind); the bytes live in the BlobStore.
 */
export const uploadsMigration: Migration = {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  async up(db: Kysely<any>): Promise<void> {
    await db.schema
      .createTable('profile_files')
      .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
      .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind in ('avatar', 'resume')`))
      .addColumn('blob_key', 'text', (c) => c.notNull())
      .addColumn('content_type', 'text', (c) => c.notNull())
      .addColumn('byte_size', 'integer', (c) => c.notNull())
      .addColumn('file_name', 'text', (c) => c.notNull())
      .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
      .addPrimaryKeyConstraint('profile_files_pkey', ['user_id', 'kind'])
      .execute();
  },
};
