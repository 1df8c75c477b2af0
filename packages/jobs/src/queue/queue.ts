/**
 * The Queue seam: background jobs, at least once, with retries and
 * exponential backoff. Embedded shape: a queue persisted in the database
 * (apps/server/src/queue/db-queue.ts); scaled shape: BullMQ on Redis
 * (`bullmq-queue.ts`). Both pass `queue.contract.ts`.
 *
 * A handler may run more than once for one job (a retry after a failure, or
 * after the process holding the job died), so handlers must be idempotent.
 *
 * @example
 * queue.handle('mail.welcome', async (payload, job) => { ... });
 * await queue.start();
 * await queue.enqueue('mail.welcome', { email, displayName }, { idempotencyKey: `welcome.${id}` });
 */
import type { Logger } from 'pino';

export interface RetryPolicy {
  /** Attempts in all, the first included. */
  attempts: number;
  /** Delay before the second attempt; each later one waits twice as long as the one before. */
  backoffMs: number;
}

export interface EnqueueOptions extends Partial<RetryPolicy> {
  /**
   * Enqueuing again with the same job name and key adds nothing: the job
   * already queued (or done) stands. Letters, digits and `._~@+-`, 1 to 200.
   */
  idempotencyKey: string;
}

export interface JobContext {
  id: string;
  name: string;
  idempotencyKey: string;
  /** 1 on the first attempt. */
  attempt: number;
  maxAttempts: number;
  logger: Logger;
}

export type JobHandler = (payload: unknown, job: JobContext) => Promise<void>;

export type JobState = 'queued' | 'running' | 'done' | 'failed';

export interface JobStatus {
  id: string;
  name: string;
  state: JobState;
  /** Attempts started so far. */
  attempts: number;
  lastError: string | null;
}

export interface JobQueue {
  /** Stores the job (durably, before resolving) and returns its id; never runs it inline. */
  enqueue(name: string, payload: unknown, options: EnqueueOptions): Promise<{ id: string }>;
  /** Registers the handler of a job name. Call before `start()`. */
  handle(name: string, handler: JobHandler): void;
  /** Starts taking jobs that have handlers here. A producer-only queue never calls it. */
  start(): Promise<void>;
  status(id: string): Promise<JobStatus | null>;
  /**
   * Stops taking jobs and waits up to `deadlineMs` for running ones. A job
   * still running then is abandoned: its lease runs out and it is taken again
   * (here after a restart, or by another process).
   */
  close(deadlineMs?: number): Promise<void>;
}

/** Thrown by a handler when retrying cannot help (bad payload, a permanent refusal): the job fails now. */
export class PermanentJobError extends Error {
  override name = 'PermanentJobError';
}

/** Thrown by `enqueue` for a malformed job name or idempotency key (a programming error). */
export class JobOptionsError extends Error {
  override name = 'JobOptionsError';
}

/** The wait before attempt `attemptsMade + 1`: base, 2 × base, 4 × base, ... (BullMQ's "exponential"). */
export function backoffDelay(attemptsMade: number, backoffMs: number): number {
  return Math.round(2 ** Math.max(0, attemptsMade - 1) * backoffMs);
}

const NAME = /^[a-z][a-z0-9-]*(\.[a-z][a-z0-9-]*)+$/;
const KEY = /^[A-Za-z0-9._~@+-]{1,200}$/;

/** The queue a job name belongs to: `mail.welcome` → `mail`. */
export function queueOf(name: string): string {
  return name.slice(0, name.indexOf('.'));
}

/** Checks a job name (`<queue>.<job>`, lower case) and an idempotency key; throws JobOptionsError. */
export function checkJob(name: string, options: EnqueueOptions): void {
  if (!NAME.test(name)) {
    throw new JobOptionsError(`job name must look like "mail.welcome", got "${name}"`);
  }
  if (!KEY.test(options.idempotencyKey)) {
    throw new JobOptionsError(
      `idempotency key must be 1 to 200 letters, digits or "._~@+-", got "${options.idempotencyKey}"`,
    );
  }
  for (const field of ['attempts', 'backoffMs'] as const) {
    const value = options[field];
    if (
      value !== undefined &&
      (!Number.isSafeInteger(value) || value < (field === 'attempts' ? 1 : 0))
    ) {
      throw new JobOptionsError(`${field} must be a whole number, got ${value}`);
    }
  }
}

/** One line for `last_error` and logs. */
export function describeError(err: unknown): string {
  if (err instanceof Error) return `${err.name}: ${err.message}`.slice(0, 2000);
  return String(err).slice(0, 2000);
}
