/**
 * Opens the job queue the configuration selects: BullMQ when `redisUrl` is
 * set (this node only enqueues; worker processes run the jobs), the database
 * queue otherwise (this process runs them).
 */
import { BullMqQueue, type JobQueue } from '@tandem/jobs';
import type { Config } from '../config.js';
import type { Logger } from '../logger.js';
import type { Store } from '../store/store.js';
import { DbQueue } from './db-queue.js';

export type QueueConfig = Pick<
  Config,
  | 'redisUrl'
  | 'redisPrefix'
  | 'jobAttempts'
  | 'jobBackoffMs'
  | 'jobLeaseMs'
  | 'jobPollMs'
  | 'jobConcurrency'
>;

export function createJobQueue(config: QueueConfig, store: Store, logger: Logger): JobQueue {
  const retry = { attempts: config.jobAttempts, backoffMs: config.jobBackoffMs };
  const log = logger.child({ seam: 'queue' });
  return config.redisUrl
    ? new BullMqQueue({
        redisUrl: config.redisUrl,
        prefix: config.redisPrefix,
        logger: log,
        retry,
        leaseMs: config.jobLeaseMs,
        concurrency: config.jobConcurrency,
      })
    : new DbQueue({
        jobs: store.jobs,
        logger: log,
        retry,
        leaseMs: config.jobLeaseMs,
        pollMs: config.jobPollMs,
        concurrency: config.jobConcurrency,
      });
}
