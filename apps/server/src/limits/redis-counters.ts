import { createHash } from 'node:crypto';
import { Redis } from 'ioredis';
import type { Logger } from '../logger.js';
import { MemoryCounters, type WindowCount, type WindowCounters } from './window-counters.js';

/** INCR, starting the window on the first hit; returns the count and the window's time left. */
const HIT = `
local count = redis.call('INCR', KEYS[1])
if count == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
  ttl = tonumber(ARGV[1])
end
return { count, ttl }
`;

const PEEK = `
local count = redis.call('GET', KEYS[1])
if not count then return { 0, 0 } end
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then ttl = 0 end
return { tonumber(count), ttl }
`;

type Scripted = Redis & {
  tandemHit(key: string, windowMs: number): Promise<[number, number]>;
  tandemPeek(key: string): Promise<[number, number]>;
};

/**
 * Counters every node shares, in Redis. Keys are hashed (no email addresses in
 * Redis) under the deployment's prefix. While Redis does not answer, each node
 * counts in its own memory, so sign-in and runs keep working and the limits
 * still hold per node (N nodes: at most N times a limit, as without Redis);
 * they are shared again as soon as Redis is back.
 */
export class RedisCounters implements WindowCounters {
  readonly #redis: Scripted;
  /** The connection, for route limits (@fastify/rate-limit keeps its own counters in it). */
  readonly redis: Redis;
  readonly #fallback = new MemoryCounters();
  #degraded = false;

  constructor(
    redisUrl: string,
    private readonly prefix: string,
    private readonly logger: Logger,
  ) {
    const redis = new Redis(redisUrl, {
      // A check waits for Redis at most half a second (at boot, or when it hangs), then falls back.
      commandTimeout: 500,
      maxRetriesPerRequest: 0,
      retryStrategy: (attempt) => Math.min(attempt * 50, 500),
    });
    redis.on('error', () => undefined); // reported once per outage, below
    redis.defineCommand('tandemHit', { numberOfKeys: 1, lua: HIT });
    redis.defineCommand('tandemPeek', { numberOfKeys: 1, lua: PEEK });
    this.#redis = redis as Scripted;
    this.redis = redis;
  }

  hit(key: string, windowMs: number): Promise<WindowCount> {
    return this.#shared(
      async () => pair(await this.#redis.tandemHit(this.#key(key), windowMs)),
      () => this.#fallback.hit(key, windowMs),
    );
  }

  peek(key: string): Promise<WindowCount> {
    return this.#shared(
      async () => pair(await this.#redis.tandemPeek(this.#key(key))),
      () => this.#fallback.peek(key),
    );
  }

  async reset(key: string): Promise<void> {
    await this.#fallback.reset(key);
    await this.#shared(
      async () => void (await this.#redis.del(this.#key(key))),
      async () => undefined,
    );
  }

  async close(): Promise<void> {
    await this.#redis.quit().catch(() => this.#redis.disconnect());
  }

  #key(key: string): string {
    return `${this.prefix}:limit:${createHash('sha256').update(key).digest('base64url').slice(0, 27)}`;
  }

  async #shared<T>(inRedis: () => Promise<T>, inMemory: () => Promise<T>): Promise<T> {
    // Known to be away: no need to wait for a timeout.
    if (['reconnecting', 'close', 'end'].includes(this.#redis.status)) {
      this.#degrade(new Error(`Redis connection is ${this.#redis.status}`));
      return inMemory();
    }
    try {
      const result = await inRedis();
      if (this.#degraded) {
        this.#degraded = false;
        this.logger.info('limit counters are shared through Redis again');
      }
      return result;
    } catch (err) {
      this.#degrade(err as Error);
      return inMemory();
    }
  }

  #degrade(err: Error): void {
    if (this.#degraded) return;
    this.#degraded = true;
    this.logger.warn(
      { err: err.message },
      'Redis does not answer; limits count on this node only until it is back',
    );
  }
}

function pair([count, ttl]: [number, number]): WindowCount {
  return { count: Number(count), resetInMs: Math.max(0, Number(ttl)) };
}
