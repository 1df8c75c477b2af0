import { randomBytes } from 'node:crypto';
import net from 'node:net';
import { Redis } from 'ioredis';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { FailureLimiter, RateLimiter } from './limiters.js';
import { RedisCounters } from './redis-counters.js';
import { windowCountersContract } from './window-counters.contract.js';
import { MemoryCounters } from './window-counters.js';

const REDIS_URL = process.env['TEST_REDIS_URL'] ?? 'redis://127.0.0.1:6379';
const logger = pino({ level: 'silent' });

windowCountersContract('memory', async () => ({ counters: new MemoryCounters() }));

windowCountersContract('Redis', async () => {
  const prefix = `tandem-test-${randomBytes(4).toString('hex')}`;
  return {
    counters: new RedisCounters(REDIS_URL, prefix, logger),
    cleanup: async () => {
      const redis = new Redis(REDIS_URL);
      const keys = await redis.keys(`${prefix}:*`);
      if (keys.length > 0) await redis.del(...keys);
      redis.disconnect();
    },
  };
});

/** A loopback port nothing listens on. */
async function closedPort(): Promise<number> {
  const srv = net.createServer();
  await new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', resolve));
  const { port } = srv.address() as net.AddressInfo;
  await new Promise((resolve) => srv.close(resolve));
  return port;
}

describe('RedisCounters', () => {
  it('two nodes share one count, and keys hold no email address', async () => {
    const prefix = `tandem-test-${randomBytes(4).toString('hex')}`;
    const a = new RedisCounters(REDIS_URL, prefix, logger);
    const b = new RedisCounters(REDIS_URL, prefix, logger);
    const redis = new Redis(REDIS_URL);
    try {
      const limiterA = new FailureLimiter(a, 'signin-account', 3, 60_000);
      const limiterB = new FailureLimiter(b, 'signin-account', 3, 60_000);
      await limiterA.fail('ada@example.com');
      await limiterB.fail('ada@example.com');
      expect(await limiterA.check('ada@example.com')).toBe(0);
      await limiterA.fail('ada@example.com');
      expect(await limiterB.check('ada@example.com')).toBeGreaterThan(0);
      const keys = await redis.keys(`${prefix}:*`);
      expect(keys).toHaveLength(1);
      expect(keys[0]).not.toContain('ada');
      await redis.del(...keys);
    } finally {
      await Promise.all([a.close(), b.close()]);
      redis.disconnect();
    }
  });

  it('while Redis does not answer, counts on this node instead of failing or waiting', async () => {
    const counters = new RedisCounters(`redis://127.0.0.1:${await closedPort()}`, 'x', logger);
    try {
      const runs = new RateLimiter(counters, 'runs-user', 2, 60_000);
      expect(await runs.take('u1')).toBe(0);
      expect(await runs.take('u1')).toBe(0);
      expect(await runs.take('u1')).toBeGreaterThan(0);
      expect(await runs.take('u2')).toBe(0);
    } finally {
      await counters.close();
    }
  });
});

describe('limiters', () => {
  it('FailureLimiter: past the limit it says how many seconds are left, and reset lets the key try again', async () => {
    let now = 1_000_000;
    const limiter = new FailureLimiter(new MemoryCounters(() => now), 'l', 2, 60_000);
    await limiter.fail('k');
    await limiter.fail('k');
    expect(await limiter.check('k')).toBe(60);
    now += 45_500;
    expect(await limiter.check('k')).toBe(15);
    now += 15_000;
    expect(await limiter.check('k')).toBe(0);
    await limiter.fail('k');
    await limiter.fail('k');
    await limiter.reset('k');
    expect(await limiter.check('k')).toBe(0);
  });

  it('RateLimiter: allows the limit per window and per key, then says how long to wait', async () => {
    let now = 0;
    const counters = new MemoryCounters(() => now);
    const limiter = new RateLimiter(counters, 'r', 3, 60_000);
    for (let i = 0; i < 3; i++) expect(await limiter.take('room')).toBe(0);
    expect(await limiter.take('room')).toBe(60);
    expect(await limiter.take('other')).toBe(0);
    // Another limiter on the same counters keeps its own keys.
    expect(await new RateLimiter(counters, 's', 1, 60_000).take('room')).toBe(0);
    now = 60_000;
    expect(await limiter.take('room')).toBe(0);
  });
});
