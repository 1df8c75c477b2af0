/** The queue contract on the real Redis, every key under a random prefix deleted afterwards. */
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { BullMqQueue } from './bullmq-queue.js';
import { queueContract } from './queue.contract.js';

const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

queueContract('BullMQ on Redis', async () => {
  const prefix = `tandem-test-${randomBytes(4).toString('hex')}`;
  const logger = pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' });
  return {
    open: async ({ retry, leaseMs }) =>
      new BullMqQueue({ redisUrl: REDIS_URL, prefix, logger, retry, leaseMs, concurrency: 2 }),
    // Each queue holds its own connections, closed by then; Redis keeps the data.
    restart: async () => {},
    cleanup: async () => {
      const redis = new Redis(REDIS_URL);
      const keys = await redis.keys(`${prefix}:*`);
      if (keys.length > 0) await redis.del(...keys);
      await redis.quit();
    },
  };
});
