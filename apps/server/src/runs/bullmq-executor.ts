import { Queue, QueueEvents } from 'bullmq';
import { Redis } from 'ioredis';
import {
  RUNS_QUEUE,
  cancelChannel,
  workerKey,
  workersKey,
  type JobProgress,
  type RunJob,
  type RunJobResult,
} from '@tandem/protocol';
import type { Logger } from '../logger.js';
import type { ExecutorHandlers, ExecutorInfo, RunExecutor } from './executor.js';

export interface BullMqExecutorOptions {
  redisUrl: string;
  prefix: string;
  logger: Logger;
  /** `ready()` rejects when no worker announced itself within this time. */
  readyTimeoutMs?: number;
  /** How often workers are looked for and unreported jobs are checked. */
  pollMs?: number;
}

interface InFlight {
  job: RunJob;
  /** Settles once the job is in Redis. */
  added: Promise<boolean>;
}

/** The URL without its password, for messages. */
function safeUrl(raw: string): string {
  try {
    const u = new URL(raw);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return 'REDIS_URL';
  }
}

function failed(runId: string, backend: ExecutorInfo['backend']): RunJobResult {
  return {
    runId,
    verdict: 'internal_error',
    backend,
    compile: null,
    result: null,
    cases: null,
    summary: null,
  };
}

/**
 * Hands runs to worker processes through the BullMQ queue `runs` (the scaled
 * shape). Each job's id is its run id and it is attempted once: a worker that
 * dies mid-run makes the job stall, and with `maxStalledCount: 0` BullMQ fails
 * it (here: `internal_error`) instead of running half-run code again. Progress
 * and results come back through the queue's events; a periodic check of the
 * jobs still in flight catches anything an event missed (a Redis blip, a job
 * that completed while this node restarted) and fails running jobs when no
 * worker is alive at all.
 */
export class BullMqExecutor implements RunExecutor {
  private readonly redis: Redis;
  private readonly queue: Queue<RunJob, RunJobResult>;
  private readonly events: QueueEvents;
  private readonly eventsConnection: Redis;
  private readonly inFlight = new Map<string, InFlight>();
  private readonly waiters = new Set<(info: ExecutorInfo) => void>();
  private readonly timer: NodeJS.Timeout;
  private info: ExecutorInfo | null = null;
  private workersAlive = false;
  private ticking = false;
  private closed = false;

  constructor(
    private readonly handlers: ExecutorHandlers,
    private readonly options: BullMqExecutorOptions,
  ) {
    const { redisUrl, prefix, logger } = options;
    // Commands wait through a Redis restart instead of failing after 20 retries.
    this.redis = new Redis(redisUrl, { maxRetriesPerRequest: null });
    const eventsConnection = new Redis(redisUrl, { maxRetriesPerRequest: null });
    this.eventsConnection = eventsConnection;
    for (const client of [this.redis, eventsConnection]) {
      client.on('error', (err) => logger.warn({ err }, 'redis connection error (runs queue)'));
    }
    this.queue = new Queue<RunJob, RunJobResult>(RUNS_QUEUE, { connection: this.redis, prefix });
    this.events = new QueueEvents(RUNS_QUEUE, { connection: eventsConnection, prefix });
    this.queue.on('error', (err) => logger.warn({ err }, 'runs queue error'));
    this.events.on('error', (err) => logger.warn({ err }, 'runs queue events error'));
    this.events.on('progress', ({ jobId, data }) => {
      const progress = data as unknown as JobProgress;
      if (this.inFlight.has(jobId) && typeof data === 'object' && progress.runId === jobId) {
        this.handlers.progress(progress);
      }
    });
    this.events.on('completed', ({ jobId, returnvalue }) => {
      this.completed(jobId, returnvalue);
    });
    this.events.on('failed', ({ jobId, failedReason }) => {
      if (!this.inFlight.has(jobId)) return;
      logger.error({ runId: jobId, reason: failedReason }, 'run job failed');
      this.report(failed(jobId, this.info?.backend ?? 'bubblewrap'));
    });
    this.timer = setInterval(() => void this.tick(), options.pollMs ?? 1_000);
    void this.tick();
  }

  ready(): Promise<ExecutorInfo> {
    if (this.info) return Promise.resolve(this.info);
    const timeoutMs = this.options.readyTimeoutMs ?? 30_000;
    return new Promise<ExecutorInfo>((resolve, reject) => {
      const waiter = (info: ExecutorInfo) => {
        clearTimeout(timer);
        resolve(info);
      };
      const timer = setTimeout(() => {
        this.waiters.delete(waiter);
        reject(
          new Error(
            `no worker announced itself on ${safeUrl(this.options.redisUrl)} (prefix ` +
              `"${this.options.prefix}") within ${Math.round(timeoutMs / 1000)} s: start one with ` +
              '`npm run worker` and the same REDIS_URL and REDIS_PREFIX; runs start working ' +
              'as soon as one is up',
          ),
        );
      }, timeoutMs);
      this.waiters.add(waiter);
    });
  }

  start(job: RunJob): void {
    const added = this.queue
      .add('run', job, {
        jobId: job.runId,
        // Never retried: a program must not run twice without anyone knowing.
        attempts: 1,
        removeOnComplete: { age: 3600 },
        removeOnFail: { age: 24 * 3600 },
      })
      .then(
        () => true,
        (err: unknown) => {
          this.options.logger.error({ err, runId: job.runId }, 'could not queue a run');
          this.report(failed(job.runId, this.info?.backend ?? 'bubblewrap'));
          return false;
        },
      );
    this.inFlight.set(job.runId, { job, added });
  }

  cancel(runId: string): void {
    const entry = this.inFlight.get(runId);
    if (!entry) return;
    void (async () => {
      if (!(await entry.added)) return;
      const state = await this.queue.getJobState(runId);
      if (state === 'completed' || state === 'failed') return; // its event or the check reports it
      if (state !== 'active' && (await this.queue.remove(runId)) === 1) {
        this.report({ ...failed(runId, this.info?.backend ?? 'bubblewrap'), verdict: 'cancelled' });
        return;
      }
      // Running (or just taken by a worker): every worker hears this; the one running it stops it.
      await this.redis.publish(cancelChannel(this.options.prefix), runId);
    })().catch((err: unknown) =>
      this.options.logger.warn({ err, runId }, 'could not cancel a run'),
    );
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.timer);
    this.waiters.clear();
    // Jobs in flight stay in Redis: a worker finishes them, and the next start of
    // this node re-queues their runs and picks up the results.
    await this.events.close().catch(() => undefined);
    await this.queue.close().catch(() => undefined);
    this.eventsConnection.disconnect();
    await this.redis.quit().catch(() => this.redis.disconnect());
  }

  /** Hands a result on once; later copies (an event after a check, say) are dropped. */
  private report(result: RunJobResult): void {
    if (!this.inFlight.delete(result.runId)) return;
    this.handlers.result(result);
  }

  private completed(jobId: string, value: unknown): void {
    if (!this.inFlight.has(jobId)) return;
    let result = value;
    if (typeof value === 'string') {
      try {
        result = JSON.parse(value);
      } catch {
        result = null;
      }
    }
    const r = result as RunJobResult | null;
    if (!r || typeof r !== 'object' || r.runId !== jobId || typeof r.verdict !== 'string') {
      this.options.logger.error({ runId: jobId }, 'a worker returned a malformed result');
      this.report(failed(jobId, this.info?.backend ?? 'bubblewrap'));
      return;
    }
    this.report(r);
  }

  /** Looks for workers, then checks every job in flight that Redis already holds. */
  private async tick(): Promise<void> {
    if (this.ticking || this.closed) return;
    this.ticking = true;
    try {
      await this.findWorkers();
      for (const [runId, entry] of this.inFlight) {
        if (!(await entry.added) || this.closed) continue;
        const job = await this.queue.getJob(runId);
        const state = job ? await job.getState() : 'unknown';
        const backend = this.info?.backend ?? 'bubblewrap';
        if (state === 'completed') {
          this.completed(runId, job?.returnvalue);
        } else if (state === 'failed' || state === 'unknown') {
          if (this.inFlight.has(runId)) {
            this.options.logger.error(
              { runId, state, reason: job?.failedReason },
              'run job failed or vanished',
            );
          }
          this.report(failed(runId, backend));
        } else if (state === 'active' && !this.workersAlive) {
          this.options.logger.error({ runId }, 'no worker is alive to finish a running job');
          this.report(failed(runId, backend));
        }
      }
    } catch (err) {
      if (!this.closed) this.options.logger.warn({ err }, 'runs queue check failed');
    } finally {
      this.ticking = false;
    }
  }

  /** Workers list themselves in a set; one whose announcement expired is dropped from it. */
  private async findWorkers(): Promise<void> {
    const { prefix } = this.options;
    const ids = await this.redis.smembers(workersKey(prefix));
    const announcements =
      ids.length > 0 ? await this.redis.mget(ids.map((id) => workerKey(prefix, id))) : [];
    const dead = ids.filter((_, i) => announcements[i] === null);
    // A worker adds itself again on its next refresh if it was only late.
    if (dead.length > 0) await this.redis.srem(workersKey(prefix), ...dead);
    const found = announcements.find((a) => a !== null) ?? null;
    this.workersAlive = found !== null;
    if (found === null) return;
    const info = JSON.parse(found) as ExecutorInfo;
    const first = this.info === null;
    this.info = {
      backend: info.backend,
      unavailableReason: info.unavailableReason,
      languages: info.languages,
    };
    if (first) this.options.logger.info({ backend: info.backend }, 'a run worker is up');
    for (const waiter of this.waiters) waiter(this.info);
    this.waiters.clear();
  }
}
