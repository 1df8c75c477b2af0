import type { Redis } from 'ioredis';
import { mailSentKey } from '@tandem/protocol';

/**
 * Where a mail job records which emails went out, by idempotency key, so a
 * retried job never sends one twice: the database in the embedded shape
 * (apps/server), Redis beside the BullMQ queue in the scaled shape.
 */
export interface SentLog {
  /** Counts an attempt to send `key`; says whether it was sent already and how many attempts came before. */
  begin(key: string): Promise<{ sent: boolean; attemptsBefore: number }>;
  /** Records `key` as delivered (written to the outbox, or accepted by the SMTP server). */
  markSent(key: string, messageId: string): Promise<void>;
}

/** Kept this long: longer than any job is kept or retried. */
const TTL_S = 90 * 24 * 3600;

/** A hash per email: `{ attempts, messageId, sentAt }` under `<prefix>:mail:sent:<key>`. */
export class RedisSentLog implements SentLog {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  async begin(key: string): Promise<{ sent: boolean; attemptsBefore: number }> {
    const k = mailSentKey(this.prefix, key);
    const replies = await this.redis
      .multi()
      .hincrby(k, 'attempts', 1)
      .hget(k, 'sentAt')
      .expire(k, TTL_S)
      .exec();
    if (!replies) throw new Error('the sent-mail record could not be read');
    for (const [err] of replies) if (err) throw err;
    return { sent: replies[1]![1] !== null, attemptsBefore: Number(replies[0]![1]) - 1 };
  }

  async markSent(key: string, messageId: string): Promise<void> {
    await this.redis.hset(mailSentKey(this.prefix, key), {
      sentAt: new Date().toISOString(),
      messageId,
    });
  }
}
