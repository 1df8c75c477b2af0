import { sql, type Kysely } from 'kysely';
import type { SentEntry, SentLog, SentRecord } from '@tandem/jobs';
import type { Database } from './db.js';

/** The sent log in the `mail_sent` table (embedded shape): one row per email key. */
export class SqlSentLog implements SentLog {
  constructor(private readonly db: Kysely<Database>) {}

  async begin(key: string): Promise<SentRecord> {
    const row = await this.db
      .insertInto('mail_sent')
      .values({ idempotency_key: key, attempts: 1, message_id: null, sent_at: null })
      .onConflict((oc) =>
        oc.column('idempotency_key').doUpdateSet({ attempts: sql<number>`mail_sent.attempts + 1` }),
      )
      .returning([
        'attempts',
        'sent_at',
        'claim_token',
        'message_id',
        sql<number>`(extract(epoch from now() - mail_sent.claimed_at) * 1000)::float8`.as('age_ms'),
      ])
      .executeTakeFirstOrThrow();
    const attemptsBefore = row.attempts - 1;
    if (row.sent_at !== null) return { state: 'sent', attemptsBefore };
    if (row.claim_token !== null) {
      return {
        state: 'claimed',
        attemptsBefore,
        token: row.claim_token,
        messageId: row.message_id ?? '',
        ended: true,
        ageMs: Math.round(Number(row.age_ms ?? 0)),
      };
    }
    return { state: 'new', attemptsBefore };
  }

  async inspect(key: string): Promise<SentEntry | null> {
    const row = await this.db
      .selectFrom('mail_sent')
      .select(['attempts', 'sent_at', 'claim_token', 'message_id', 'uncertain'])
      .where('idempotency_key', '=', key)
      .executeTakeFirst();
    if (!row) return null;
    return {
      state: row.sent_at !== null ? 'sent' : row.claim_token !== null ? 'claimed' : 'new',
      attempts: row.attempts,
      messageId: row.message_id,
      uncertain: row.uncertain,
    };
  }

  async claim(key: string, token: string, messageId: string, replacing?: string): Promise<boolean> {
    const claimed = await this.db
      .updateTable('mail_sent')
      .set({
        claim_token: token,
        message_id: messageId,
        claimed_at: sql<Date>`now()`,
      })
      .where('idempotency_key', '=', key)
      .where('sent_at', 'is', null)
      .where((eb) =>
        replacing === undefined
          ? eb('claim_token', 'is', null)
          : eb.or([eb('claim_token', 'is', null), eb('claim_token', '=', replacing)]),
      )
      .executeTakeFirst();
    return claimed.numUpdatedRows > 0n;
  }

  /**
   * A query may still wait for a connection (or for PGlite's thread), so a
   * node killed right after its "." could leave no note: here every claim
   * counts as ended at once (docs/DECISIONS.md).
   */
  readonly notesEnding = false;

  ending(): void {}

  async release(key: string, token: string): Promise<void> {
    await this.db
      .updateTable('mail_sent')
      .set({ claim_token: null, claimed_at: null })
      .where('idempotency_key', '=', key)
      .where('claim_token', '=', token)
      .where('sent_at', 'is', null)
      .execute();
  }

  async markSent(key: string, messageId: string, uncertain = false): Promise<void> {
    let update = this.db
      .updateTable('mail_sent')
      .set({ message_id: messageId, sent_at: sql<Date>`now()`, uncertain })
      .where('idempotency_key', '=', key);
    // Taken as sent without proof: never over a confirmed record.
    if (uncertain) update = update.where('sent_at', 'is', null);
    await update.execute();
  }
}
