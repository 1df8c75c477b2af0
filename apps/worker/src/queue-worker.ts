/**
 * The worker as a separate process (the scaled shape): it owns a sandbox and
 * takes run jobs from the BullMQ queue `runs`. The server side of this
 * contract is apps/server/src/runs/bullmq-executor.ts (the server never
 * imports the worker, so the names below are repeated there).
 */
import { randomBytes } from 'node:crypto';
import os from 'node:os';
import { Worker, type Job } from 'bullmq';
import { Redis } from 'ioredis';
import type { Logger } from 'pino';
import {
  RUNS_QUEUE,
  cancelChannel,
  workerKey,
  workersKey,
  type JobProgress,
  type RunJob,
  type RunJobResult,
} from '@tandem/protocol';
import { RUN_RETRY_DELAY_MS } from '@tandem/jobs';
import { createSandbox } from '@tandem/sandbox';
import { runJob } from './run-job.js';

export interface QueueWorkerOptions {
  redisUrl: string;
  prefix: string;
  backend: 'auto' | 'bubblewrap' | 'wasm';
  concurrency: number;
  logger: Logger;
  /** How long the announcement lives without a refresh (refreshed every third of it). */
  announceTtlMs?: number;
  /** A job whose lock is not renewed this long counts as stalled (and fails). */
  lockDurationMs?: number;
  stalledIntervalMs?: number;
}

export interface QueueWorker {
  id: string;
  /**
   * Stops taking jobs, lets running ones finish for up to `deadlineMs`, then
   * aborts them (they end as `internal_error`), and closes everything.
   */
  close(deadlineMs?: number): Promise<void>;
}

/** A cancel can arrive just before its job reaches the processor: remember it a while. */
const RECENT_CANCEL_MS = 60_000;

export async function startQueueWorker(options: QueueWorkerOptions): Promise<QueueWorker> {
  const { logger, prefix } = options;
  const id = `${os.hostname()}-${process.pid}-${randomBytes(3).toString('hex')}`;
  const announceTtlMs = options.announceTtlMs ?? 10_000;
  const sandbox = await createSandbox({ backend: options.backend, logger });
  const languages = await sandbox.languages();
  const announcement = JSON.stringify({
    backend: sandbox.backend,
    unavailableReason: sandbox.unavailableReason,
    languages,
  });

  // BullMQ's blocking connection needs maxRetriesPerRequest: null.
  const connection = new Redis(options.redisUrl, { maxRetriesPerRequest: null });
  const subscriber = new Redis(options.redisUrl, { maxRetriesPerRequest: null });
  for (const client of [connection, subscriber]) {
    client.on('error', (err) => logger.warn({ err }, 'redis connection error'));
  }

  const running = new Map<string, AbortController>();
  const recentlyCancelled = new Map<string, number>();
  let shuttingDown = false;

  await subscriber.subscribe(cancelChannel(prefix));
  subscriber.on('message', (_channel: string, runId: string) => {
    const controller = running.get(runId);
    if (controller) {
      logger.info({ runId }, 'run cancelled');
      controller.abort();
      return;
    }
    const now = Date.now();
    for (const [key, at] of recentlyCancelled) {
      if (now - at > RECENT_CANCEL_MS) recentlyCancelled.delete(key);
    }
    recentlyCancelled.set(runId, now);
  });

  const processor = async (job: Job<RunJob, RunJobResult>): Promise<RunJobResult> => {
    const runId = job.data.runId;
    const controller = new AbortController();
    running.set(runId, controller);
    if (recentlyCancelled.delete(runId)) controller.abort();
    // Progress updates are sent in order and awaited before the result, so every
    // case reaches the server before the completion does.
    let sent: Promise<unknown> = Promise.resolve();
    const report = (progress: JobProgress) => {
      sent = sent.then(() =>
        job
          .updateProgress(progress)
          .catch((err: unknown) => logger.warn({ err, runId }, 'could not report progress')),
      );
    };
    try {
      const result = await runJob(sandbox, job.data, report, controller.signal);
      await sent;
      // Aborted by a shutdown, not by a person: the run did not complete.
      if (shuttingDown && result.verdict === 'cancelled' && !recentlyCancelled.has(runId)) {
        return { ...result, verdict: 'internal_error' };
      }
      return result;
    } finally {
      running.delete(runId);
    }
  };

  const worker = new Worker<RunJob, RunJobResult>(RUNS_QUEUE, processor, {
    connection,
    prefix,
    concurrency: options.concurrency,
    // A half-run program must not run again silently: a job whose worker died
    // is failed (the server reports internal_error), never retried.
    maxStalledCount: 0,
    lockDuration: options.lockDurationMs ?? 10_000,
    stalledInterval: options.stalledIntervalMs ?? 5_000,
    // BullMQ's default of 15 s idles a worker that long after a Redis blip.
    runRetryDelay: RUN_RETRY_DELAY_MS,
    autorun: false,
  });
  worker.on('error', (err) => logger.warn({ err }, 'queue worker error'));
  worker.on('failed', (job, err) => logger.warn({ err, runId: job?.id }, 'run job failed'));

  const announce = () =>
    connection
      .multi()
      .set(workerKey(prefix, id), announcement, 'PX', announceTtlMs)
      .sadd(workersKey(prefix), id)
      .exec()
      .catch((err: unknown) => logger.warn({ err }, 'could not announce this worker'));
  await worker.waitUntilReady();
  void worker.run();
  await announce();
  const announcer = setInterval(() => void announce(), Math.max(100, announceTtlMs / 3));
  logger.info(
    {
      id,
      backend: sandbox.backend,
      reason: sandbox.unavailableReason,
      concurrency: options.concurrency,
      languages: languages.map((l) => l.id),
    },
    'worker ready',
  );

  let closing: Promise<void> | undefined;
  return {
    id,
    close(deadlineMs = 30_000) {
      closing ??= (async () => {
        shuttingDown = true;
        // The announcement stays until the running jobs are done: it means "alive"
        // (servers fail running jobs when no worker is), not "taking jobs".
        const finished = worker.close();
        const timer = setTimeout(() => {
          if (running.size > 0) {
            logger.warn({ running: running.size }, 'shutdown deadline: aborting running jobs');
          }
          for (const controller of running.values()) controller.abort();
        }, deadlineMs);
        await finished;
        clearTimeout(timer);
        clearInterval(announcer);
        await connection
          .multi()
          .del(workerKey(prefix, id))
          .srem(workersKey(prefix), id)
          .exec()
          .catch(() => undefined);
        await sandbox.close();
        subscriber.disconnect();
        await connection.quit().catch(() => connection.disconnect());
        logger.info({ id }, 'worker closed');
      })();
      return closing;
    },
  };
}
