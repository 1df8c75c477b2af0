import type { Redis } from 'ioredis';
import { mailSentKey } from '@tandem/protocol';

/**
 * What the sent log knows of one email when an attempt begins:
 * - `new`: no attempt got as far as the end of the message;
 * - `claimed`: an earlier attempt claimed it, just before the end of the
 *   message, and never recorded how that ended: it died or lost its
 *   connection there, or it is still at it. `ended`: it had let the final
 *   "." go. `ageMs`: how long ago it claimed (by the log's own clock);
 * - `sent`: delivered (or taken as delivered, see `uncertain`).
 */
export type SentRecord =
  | { state: 'new'; attemptsBefore: number }
  | {
      state: 'claimed';
      attemptsBefore: number;
      token: string;
      messageId: string;
      ended: boolean;
      ageMs: number;
    }
  | { state: 'sent'; attemptsBefore: number };

/**
 * Where a mail job records, by idempotency key, which emails went out, so a
 * retried or recovered job never sends one twice: the database in the
 * embedded shape (apps/server), Redis beside the BullMQ queue in the scaled
 * shape. Each method is one atomic step; `sentLogContract` is their suite.
 */
export interface SentLog {
  /** Counts an attempt to send `key` and says where the email stands. */
  begin(key: string): Promise<SentRecord>;
  /**
   * Claims `key` for the attempt `token` just before the end of the message,
   * recording its Message-ID. Succeeds only while the key is neither sent
   * nor claimed, or claimed by `replacing` (a claim known to have come to
   * nothing). False: another attempt claimed or sent it.
   */
  claim(key: string, token: string, messageId: string, replacing?: string): Promise<boolean>;
  /**
   * True: `ending` takes a note that leaves before the "." does. False: the
   * storage cannot promise that, so every claim counts as ended at once
   * (a dead attempt's email is then taken as delivered, never sent twice).
   */
  readonly notesEnding: boolean;
  /**
   * Notes that the claim of `token` is letting the final "." go. Not waited
   * for: the write is issued before this returns, so it leaves before the
   * "." does (Redis: on the connection the claim just used).
   */
  ending(key: string, token: string): void;
  /** Drops the claim of `token` on an unsent key (the server refused the message). */
  release(key: string, token: string): Promise<void>;
  /**
   * Records `key` as delivered. `uncertain`: taken as delivered without
   * proof (an attempt that claimed it never learnt the server's answer); a
   * key already recorded as sent then stays as it is.
   */
  markSent(key: string, messageId: string, uncertain?: boolean): Promise<void>;
  /** What is recorded of `key`, without counting an attempt; null if nothing is. */
  inspect(key: string): Promise<SentEntry | null>;
}

export interface SentEntry {
  state: SentRecord['state'];
  attempts: number;
  messageId: string | null;
  uncertain: boolean;
}

/** Kept this long: longer than any job is kept or retried. */
const TTL_S = 90 * 24 * 3600;

/** Redis's clock in milliseconds, inside a script. */
const NOW_MS = `local t = redis.call('time')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)`;

/** Claims a hash unless it is sent or claimed by another token than ARGV[2]. */
const CLAIM = `
if redis.call('hexists', KEYS[1], 'sentAt') == 1 then return 0 end
local holder = redis.call('hget', KEYS[1], 'token')
if holder and holder ~= ARGV[2] then return 0 end
${NOW_MS}
redis.call('hdel', KEYS[1], 'ended')
redis.call('hset', KEYS[1], 'token', ARGV[1], 'messageId', ARGV[3], 'claimedAt', now)
redis.call('expire', KEYS[1], ARGV[4])
return 1`;

const ENDING = `
if redis.call('hexists', KEYS[1], 'sentAt') == 0 and redis.call('hget', KEYS[1], 'token') == ARGV[1] then
  redis.call('hset', KEYS[1], 'ended', ARGV[1])
end
return 0`;

/** The attempt count after counting one, the fields `begin` reads, and Redis's clock. */
const BEGIN = `
local attempts = redis.call('hincrby', KEYS[1], 'attempts', 1)
redis.call('expire', KEYS[1], ARGV[1])
${NOW_MS}
local f = redis.call('hmget', KEYS[1], 'sentAt', 'token', 'messageId', 'claimedAt', 'ended')
return { attempts, f[1] or '', f[2] or '', f[3] or '', f[4] or '', f[5] or '', now }`;

const RELEASE = `
if redis.call('hexists', KEYS[1], 'sentAt') == 0 and redis.call('hget', KEYS[1], 'token') == ARGV[1] then
  redis.call('hdel', KEYS[1], 'token', 'claimedAt', 'ended')
end
return 0`;

/** Takes an unsent hash as sent without proof; a confirmed record stays as it is. */
const MARK_UNCERTAIN = `
if redis.call('hexists', KEYS[1], 'sentAt') == 1 then return 0 end
redis.call('hset', KEYS[1], 'sentAt', ARGV[1], 'messageId', ARGV[2], 'uncertain', '1')
redis.call('expire', KEYS[1], ARGV[3])
return 1`;

/**
 * A hash per email under `<prefix>:mail:sent:<key>`: `attempts`, and
 * `token`, `messageId`, `claimedAt` once claimed, `sentAt` (and `uncertain`)
 * once sent.
 */
export class RedisSentLog implements SentLog {
  readonly notesEnding = true;

  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  async begin(key: string): Promise<SentRecord> {
    const reply = (await this.redis.eval(BEGIN, 1, mailSentKey(this.prefix, key), TTL_S)) as [
      number,
      string,
      string,
      string,
      string,
      string,
      number,
    ];
    const [attempts, sentAt, token, messageId, claimedAt, ended, now] = reply;
    const attemptsBefore = attempts - 1;
    if (sentAt) return { state: 'sent', attemptsBefore };
    if (token) {
      return {
        state: 'claimed',
        attemptsBefore,
        token,
        messageId,
        ended: ended === token,
        ageMs: now - Number(claimedAt),
      };
    }
    return { state: 'new', attemptsBefore };
  }

  async inspect(key: string): Promise<SentEntry | null> {
    const h = await this.redis.hgetall(mailSentKey(this.prefix, key));
    if (h.attempts === undefined) return null;
    return {
      state: h.sentAt ? 'sent' : h.token ? 'claimed' : 'new',
      attempts: Number(h.attempts),
      messageId: h.messageId ?? null,
      uncertain: h.uncertain === '1',
    };
  }

  async claim(key: string, token: string, messageId: string, replacing = ''): Promise<boolean> {
    const claimed = await this.redis.eval(
      CLAIM,
      1,
      mailSentKey(this.prefix, key),
      token,
      replacing,
      messageId,
      TTL_S,
    );
    return claimed === 1;
  }

  ending(key: string, token: string): void {
    // Issued at once on a connected client (ioredis writes a command as it is called).
    this.redis.eval(ENDING, 1, mailSentKey(this.prefix, key), token).catch(() => undefined);
  }

  async release(key: string, token: string): Promise<void> {
    await this.redis.eval(RELEASE, 1, mailSentKey(this.prefix, key), token);
  }

  async markSent(key: string, messageId: string, uncertain = false): Promise<void> {
    const k = mailSentKey(this.prefix, key);
    const at = new Date().toISOString();
    if (uncertain) {
      await this.redis.eval(MARK_UNCERTAIN, 1, k, at, messageId, TTL_S);
      return;
    }
    const replies = await this.redis
      .multi()
      .hset(k, { sentAt: at, messageId })
      .hdel(k, 'uncertain')
      .expire(k, TTL_S)
      .exec();
    if (!replies) throw new Error('the sent-mail record could not be written');
    for (const [err] of replies) if (err) throw err;
  }
}
