import { sql, type Kysely } from 'kysely';
import type { SentLog } from '@tandem/jobs';
import type { Database } from './db.js';

/** The sent log in the `mail_sent` table (embedded shape): one row per email key. */
export class SqlSentLog implements SentLog {
  constructor(private readonly db: Kysely<Database>) {}

  async begin(key: string): Promise<{ sent: boolean; attemptsBefore: number }> {
    const row = await this.db
      .insertInto('mail_sent')
      .values({ idempotency_key: key, attempts: 1, message_id: null, sent_at: null })
      .onConflict((oc) =>
        oc.column('idempotency_key').doUpdateSet({ attempts: sql<number>`mail_sent.attempts + 1` }),
      )
      .returning(['attempts', 'sent_at'])
      .executeTakeFirstOrThrow();
    return { sent: row.sent_at !== null, attemptsBefore: row.attempts - 1 };
  }

  async markSent(key: string, messageId: string): Promise<void> {
    await this.db
      .updateTable('mail_sent')
      .set({ message_id: messageId, sent_at: sql<Date>`now()` })
      .where('idempotency_key', '=', key)
      .execute();
  }
}
