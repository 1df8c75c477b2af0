/**
 * Mail jobs in a worker process (the scaled shape): takes `mail.*` jobs from
 * the BullMQ queue `mail` that the server nodes fill, sends them with the
 * configured mailer, and records sent emails in Redis beside the queue.
 */
import { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { BullMqQueue, RedisSentLog, createMailer, registerMailJobs } from '@tandem/jobs';

export interface MailWorkerOptions {
  redisUrl: string;
  prefix: string;
  logger: Logger;
  smtpUrl: string | undefined;
  mailFrom: string;
  dataDir: string;
  leaseMs: number;
  concurrency: number;
}

export interface MailWorker {
  /** Stops taking jobs; running ones get `deadlineMs`, then are left to another worker. */
  close(deadlineMs: number): Promise<void>;
}

export async function startMailWorker(options: MailWorkerOptions): Promise<MailWorker> {
  const { redisUrl, prefix, logger } = options;
  const log = logger.child({ seam: 'mail' });
  const redis = new Redis(redisUrl, { maxRetriesPerRequest: null });
  redis.on('error', (err) => log.warn({ err }, 'redis connection error (sent mail)'));
  const queue = new BullMqQueue({
    redisUrl,
    prefix,
    logger: log,
    leaseMs: options.leaseMs,
    concurrency: options.concurrency,
  });
  const mailer = createMailer(options, log);
  registerMailJobs(queue, {
    mailer,
    sentLog: new RedisSentLog(redis, prefix),
    claimGraceMs: options.leaseMs,
  });
  await queue.start();
  log.info({ mailer: mailer.kind }, 'mail worker ready');
  return {
    async close(deadlineMs) {
      await queue.close(deadlineMs);
      await mailer.close();
      await redis.quit().catch(() => redis.disconnect());
    },
  };
}
