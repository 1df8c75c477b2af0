import type { Config } from '../config.js';
import type { Logger } from '../logger.js';
import { RedisCounters } from './redis-counters.js';
import { MemoryCounters, type WindowCounters } from './window-counters.js';

export { FailureLimiter, RateLimiter } from './limiters.js';
export type { WindowCounters } from './window-counters.js';

/** Counters in Redis (shared by every node) when REDIS_URL is set, else in this node's memory. */
export function createCounters(config: Config, logger: Logger): WindowCounters {
  return config.redisUrl
    ? new RedisCounters(config.redisUrl, config.redisPrefix, logger.child({ seam: 'limits' }))
    : new MemoryCounters();
}
