import type { Kysely, Migration } from 'kysely';

/**
 * The sent log's claims (packages/jobs, `SentLog`): the attempt that is about
 * to end an email's message writes its token first; an email taken as sent
 * without proof is marked `uncertain`.
 */
export const mailClaimsMigration: Migration = {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  async up(db: Kysely<any>): Promise<void> {
    await db.schema
      .alterTable('mail_sent')
      .addColumn('claim_token', 'text')
      .addColumn('claimed_at', 'timestamptz')
      .addColumn('uncertain', 'boolean', (c) => c.notNull().defaultTo(false))
      .execute();
  },
};
