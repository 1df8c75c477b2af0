/**
 * The Queue seam on BullMQ (the scaled shape, `REDIS_URL` set). A job name
 * `<queue>.<job>` goes to the BullMQ queue `<queue>` under the Redis prefix;
 * servers only enqueue, worker processes (`npm run worker`) register handlers
 * and `start()`. The job id is `<name>/<idempotency key>`, so BullMQ itself
 * drops a second enqueue of the same key while the job is kept (a week once
 * done, a month once failed).
 *
 * At least once: a worker that dies mid-job stops renewing the job's lock;
 * after `leaseMs` another worker's stalled check puts the job back in the
 * queue (up to `maxStalledCount` times) and it runs again.
 */
import { Queue, UnrecoverableError, Worker, type Job } from 'bullmq';
import { Redis } from 'ioredis';
import type { Logger } from 'pino';
import {
  PermanentJobError,
  checkJob,
  queueOf,
  type EnqueueOptions,
  type JobHandler,
  type JobQueue,
  type JobState,
  type JobStatus,
  type RetryPolicy,
} from './queue.js';

export interface BullMqQueueOptions {
  redisUrl: string;
  prefix: string;
  logger: Logger;
  /** Attempts and backoff of the jobs this queue enqueues; a consumer-only queue may leave it out. */
  retry?: RetryPolicy;
  /** How long a job stays locked to its worker without a renewal (renewed every half of it). */
  leaseMs: number;
  /** Jobs handled at once per queue name in this process. */
  concurrency: number;
  /** Times a job may be recovered after its worker died before it fails. */
  maxStalledCount?: number;
}

const DAY_S = 24 * 3600;
/** How soon a worker fetches again after Redis failed it (ioredis itself waits for the reconnect). */
export const RUN_RETRY_DELAY_MS = 1_000;

export class BullMqQueue implements JobQueue {
  readonly #options: BullMqQueueOptions;
  readonly #redis: Redis;
  readonly #queues = new Map<string, Queue>();
  readonly #handlers = new Map<string, JobHandler>();
  readonly #workers: Worker[] = [];
  readonly #running = new Set<Promise<unknown>>();
  #closing: Promise<void> | undefined;

  constructor(options: BullMqQueueOptions) {
    this.#options = options;
    // Commands wait through a Redis restart instead of failing after 20 retries.
    this.#redis = new Redis(options.redisUrl, { maxRetriesPerRequest: null });
    this.#redis.on('error', (err) =>
      options.logger.warn({ err }, 'redis connection error (job queue)'),
    );
  }

  async enqueue(name: string, payload: unknown, options: EnqueueOptions): Promise<{ id: string }> {
    checkJob(name, options);
    const { retry } = this.#options;
    const attempts = options.attempts ?? retry?.attempts;
    const delay = options.backoffMs ?? retry?.backoffMs;
    if (attempts === undefined || delay === undefined) {
      throw new Error('this queue was opened without a retry policy: it only runs jobs');
    }
    const id = `${name}/${options.idempotencyKey}`;
    await this.#queue(queueOf(name)).add(name, payload, {
      jobId: id,
      attempts,
      backoff: { type: 'exponential', delay },
      removeOnComplete: { age: 7 * DAY_S },
      removeOnFail: { age: 30 * DAY_S },
    });
    return { id };
  }

  handle(name: string, handler: JobHandler): void {
    checkJob(name, { idempotencyKey: 'x' });
    if (this.#workers.length > 0) throw new Error('handle() must come before start()');
    this.#handlers.set(name, handler);
  }

  async start(): Promise<void> {
    const { logger, prefix, leaseMs, concurrency } = this.#options;
    const queueNames = new Set([...this.#handlers.keys()].map(queueOf));
    for (const queueName of queueNames) {
      // A Worker blocks on its connection; it gets its own (BullMQ duplicates it for blocking calls).
      const connection = this.#redis.duplicate();
      connection.on('error', (err) => logger.warn({ err }, 'redis connection error (job worker)'));
      const worker = new Worker(queueName, (job) => this.#process(job), {
        connection,
        prefix,
        concurrency,
        lockDuration: leaseMs,
        stalledInterval: leaseMs,
        maxStalledCount: this.#options.maxStalledCount ?? 5,
        // After a failed fetch (Redis gone) BullMQ waits this long before fetching again;
        // its 15 s default kept a worker idle that long after Redis was already back.
        runRetryDelay: RUN_RETRY_DELAY_MS,
        autorun: false,
      });
      worker.on('error', (err) => logger.warn({ err, queue: queueName }, 'job worker error'));
      worker.on('failed', (job, err) => {
        if (job && job.attemptsMade >= (job.opts.attempts ?? 1)) {
          logger.error({ err, jobId: job.id, name: job.name }, 'job failed for good');
        }
      });
      this.#workers.push(worker);
      await worker.waitUntilReady();
      void worker.run().catch((err: unknown) => logger.error({ err }, 'job worker stopped'));
    }
  }

  async status(id: string): Promise<JobStatus | null> {
    const name = id.slice(0, id.indexOf('/'));
    if (!name.includes('.')) return null;
    const job = await this.#queue(queueOf(name)).getJob(id);
    if (!job) return null;
    const raw = await job.getState();
    const state: JobState =
      raw === 'completed'
        ? 'done'
        : raw === 'failed'
          ? 'failed'
          : raw === 'active'
            ? 'running'
            : 'queued';
    return {
      id,
      name: job.name,
      state,
      attempts: job.attemptsStarted,
      lastError: job.failedReason || null,
    };
  }

  close(deadlineMs = 30_000): Promise<void> {
    this.#closing ??= (async () => {
      // Take nothing new, give running jobs their time, then leave them to the stalled check.
      await Promise.all(this.#workers.map((w) => w.pause(true)));
      let timer: NodeJS.Timeout | undefined;
      const finished = await Promise.race([
        Promise.allSettled([...this.#running]).then(() => true),
        new Promise<false>((resolve) => {
          timer = setTimeout(() => resolve(false), deadlineMs);
        }),
      ]);
      clearTimeout(timer);
      if (!finished) {
        this.#options.logger.warn(
          { running: this.#running.size },
          'shutdown deadline: leaving running jobs to be taken again',
        );
      }
      await Promise.all(this.#workers.map((w) => w.close(!finished).catch(() => undefined)));
      await Promise.all([...this.#queues.values()].map((q) => q.close().catch(() => undefined)));
      await this.#redis.quit().catch(() => this.#redis.disconnect());
    })();
    return this.#closing;
  }

  #queue(name: string): Queue {
    let queue = this.#queues.get(name);
    if (!queue) {
      queue = new Queue(name, { connection: this.#redis, prefix: this.#options.prefix });
      queue.on('error', (err) =>
        this.#options.logger.warn({ err, queue: name }, 'job queue error'),
      );
      this.#queues.set(name, queue);
    }
    return queue;
  }

  async #process(job: Job): Promise<void> {
    const handler = this.#handlers.get(job.name);
    if (!handler) throw new UnrecoverableError(`no handler for job "${job.name}"`);
    const id = job.id ?? '';
    const running = (async () => {
      const key = id.slice(id.indexOf('/') + 1);
      const attempt = job.attemptsMade + 1;
      const maxAttempts = job.opts.attempts ?? 1;
      const logger = this.#options.logger.child({ jobId: id, job: job.name, attempt });
      try {
        await handler(job.data, {
          id,
          name: job.name,
          idempotencyKey: key,
          attempt,
          maxAttempts,
          logger,
        });
      } catch (err) {
        if (attempt < maxAttempts && !(err instanceof PermanentJobError)) {
          logger.warn({ err }, 'job attempt failed; it will be retried');
        }
        // BullMQ retries any other error with the job's backoff.
        if (err instanceof PermanentJobError) throw new UnrecoverableError(err.message);
        throw err;
      }
    })();
    this.#running.add(running);
    try {
      await running;
    } finally {
      this.#running.delete(running);
    }
  }
}
