/**
 * The Queue seam in the database (the embedded shape): jobs are rows of the
 * `jobs` table, so a job enqueued before a crash or a restart is still there
 * after it. Consumers poll (and are woken at once by enqueues and finished
 * jobs in this process); a claimed job is leased to its holder, who renews
 * the lease while the handler runs. A holder that died stops renewing, and
 * once the lease runs out the job is taken again, by this process after a
 * restart or by any other node on the same PostgreSQL.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import os from 'node:os';
import {
  PermanentJobError,
  backoffDelay,
  checkJob,
  describeError,
  type EnqueueOptions,
  type JobHandler,
  type JobQueue,
  type JobStatus,
  type RetryPolicy,
} from '@tandem/jobs';
import type { Logger } from '../logger.js';
import type { JobStore, StoredJob } from '../store/store.js';

export interface DbQueueOptions {
  jobs: JobStore;
  logger: Logger;
  retry: RetryPolicy;
  /** How long a running job stays with its holder without a renewal (renewed every third of it). */
  leaseMs: number;
  /** How often the table is checked for due jobs when nothing woke the queue. */
  pollMs: number;
  /** Jobs handled at once by this instance. */
  concurrency: number;
}

/** Done and failed jobs are kept this long (an idempotency key stays taken meanwhile). */
const KEEP_FINISHED_MS = 7 * 24 * 3600_000;
const PURGE_EVERY_MS = 3600_000;

export class DbQueue implements JobQueue {
  readonly #o: DbQueueOptions;
  readonly #owner = `${os.hostname()}-${process.pid}-${randomBytes(3).toString('hex')}`;
  readonly #handlers = new Map<string, JobHandler>();
  readonly #running = new Map<string, Promise<void>>();
  readonly #timers = new Set<NodeJS.Timeout>();
  /** Lease renewals of running jobs: they go on during a graceful close, until its deadline. */
  readonly #renewals = new Set<NodeJS.Timeout>();
  #started = false;
  #stopped = false;
  #pumping = false;
  #pumpAgain = false;
  #closing: Promise<void> | undefined;

  constructor(options: DbQueueOptions) {
    this.#o = options;
  }

  async enqueue(name: string, payload: unknown, options: EnqueueOptions): Promise<{ id: string }> {
    checkJob(name, options);
    const { id } = await this.#o.jobs.add({
      id: randomUUID(),
      name,
      payload,
      idempotencyKey: options.idempotencyKey,
      maxAttempts: options.attempts ?? this.#o.retry.attempts,
      backoffMs: options.backoffMs ?? this.#o.retry.backoffMs,
    });
    void this.#pump();
    return { id };
  }

  handle(name: string, handler: JobHandler): void {
    checkJob(name, { idempotencyKey: 'x' });
    if (this.#started) throw new Error('handle() must come before start()');
    this.#handlers.set(name, handler);
  }

  async start(): Promise<void> {
    if (this.#started) return;
    this.#started = true;
    this.#every(this.#o.pollMs, () => void this.#pump());
    this.#every(PURGE_EVERY_MS, () => void this.#purge());
    void this.#purge();
    void this.#pump();
  }

  async status(id: string): Promise<JobStatus | null> {
    const job = await this.#o.jobs.get(id);
    if (!job) return null;
    return {
      id: job.id,
      name: job.name,
      state: job.status,
      attempts: job.attempts,
      lastError: job.lastError,
    };
  }

  close(deadlineMs = 30_000): Promise<void> {
    this.#closing ??= (async () => {
      this.#stopped = true;
      for (const timer of this.#timers) clearInterval(timer);
      this.#timers.clear();
      let timer: NodeJS.Timeout | undefined;
      const finished = await Promise.race([
        Promise.allSettled([...this.#running.values()]).then(() => true),
        new Promise<false>((resolve) => {
          timer = setTimeout(() => resolve(false), deadlineMs);
        }),
      ]);
      clearTimeout(timer);
      if (!finished) {
        // Their leases stop being renewed: the jobs are taken again once the leases run out.
        for (const renewal of this.#renewals) clearInterval(renewal);
        this.#renewals.clear();
        this.#o.logger.warn(
          { running: this.#running.size },
          'shutdown deadline: leaving running jobs to be taken again',
        );
      }
    })();
    return this.#closing;
  }

  #every(ms: number, fn: () => void): void {
    const timer = setInterval(fn, ms);
    timer.unref();
    this.#timers.add(timer);
  }

  /** Claims and starts due jobs while there is room; concurrent calls fold into one more round. */
  async #pump(): Promise<void> {
    if (!this.#started || this.#stopped) return;
    if (this.#pumping) {
      this.#pumpAgain = true;
      return;
    }
    this.#pumping = true;
    try {
      do {
        this.#pumpAgain = false;
        while (!this.#stopped && this.#running.size < this.#o.concurrency) {
          const job = await this.#o.jobs.claim(
            [...this.#handlers.keys()],
            this.#owner,
            this.#o.leaseMs,
          );
          if (!job) break;
          const run = this.#execute(job).finally(() => {
            this.#running.delete(job.id);
            void this.#pump();
          });
          this.#running.set(job.id, run);
        }
      } while (this.#pumpAgain && !this.#stopped);
    } catch (err) {
      this.#o.logger.warn({ err }, 'could not take jobs from the database; trying again');
    } finally {
      this.#pumping = false;
    }
  }

  async #execute(job: StoredJob): Promise<void> {
    const { jobs, leaseMs } = this.#o;
    const logger = this.#o.logger.child({ jobId: job.id, job: job.name, attempt: job.attempts });
    const owner = this.#owner;
    try {
      if (job.attempts > job.maxAttempts) {
        // The holder of the last attempt stopped without finishing it.
        const error = job.lastError ?? 'the process running its last attempt stopped';
        await jobs.fail(job.id, owner, error, null);
        logger.error({ error }, 'job failed for good');
        return;
      }
      const renewal = setInterval(
        () => {
          jobs
            .renew(job.id, owner, leaseMs)
            .then((held) => held || logger.warn('lost the lease of a running job'))
            .catch((err: unknown) => logger.warn({ err }, 'could not renew a job lease'));
        },
        Math.max(50, Math.floor(leaseMs / 3)),
      );
      this.#renewals.add(renewal);
      try {
        await this.#handlers.get(job.name)!(job.payload, {
          id: job.id,
          name: job.name,
          idempotencyKey: job.idempotencyKey,
          attempt: job.attempts,
          maxAttempts: job.maxAttempts,
          logger,
        });
      } catch (err) {
        const error = describeError(err);
        const last = err instanceof PermanentJobError || job.attempts >= job.maxAttempts;
        const delay = last ? null : backoffDelay(job.attempts, job.backoffMs);
        await jobs.fail(job.id, owner, error, delay);
        if (delay === null) {
          logger.error({ err }, 'job failed for good');
        } else {
          logger.warn({ err, retryInMs: delay }, 'job attempt failed; it will be retried');
          const wake = setTimeout(() => void this.#pump(), delay + 5);
          wake.unref();
        }
        return;
      } finally {
        clearInterval(renewal);
        this.#renewals.delete(renewal);
      }
      await jobs.complete(job.id, owner);
    } catch (err) {
      // The database failed us: the lease runs out and the job is taken again.
      logger.warn({ err }, 'could not record the outcome of a job');
    }
  }

  async #purge(): Promise<void> {
    try {
      const purged = await this.#o.jobs.purgeFinished(KEEP_FINISHED_MS);
      if (purged > 0) this.#o.logger.info({ purged }, 'old finished jobs deleted');
    } catch (err) {
      this.#o.logger.warn({ err }, 'could not delete old finished jobs');
    }
  }
}
