/**
 * The contract every `JobQueue` passes, run against each real backend
 * (PGlite, PostgreSQL, Redis). Each test uses job names of its own, so tests
 * sharing one backend stay independent.
 *
 * @example
 * queueContract('BullMQ', async () => ({ open: (o) => new BullMqQueue({ ...o, ... }), ... }));
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../wait-for.js';
import { JobOptionsError, PermanentJobError, type JobQueue, type RetryPolicy } from './queue.js';

export interface QueueOptions {
  retry: RetryPolicy;
  /** How long a consumer's hold on a running job lasts without renewal. */
  leaseMs: number;
}

export interface QueueHarness {
  /** A new queue instance (producer and, once started, consumer) on the shared backend. */
  open(options: QueueOptions): Promise<JobQueue>;
  /** Closes the backend's connections and opens them again (the queues on it are closed first). */
  restart(): Promise<void>;
  /** Closes whatever is still open and deletes the backend's data. */
  cleanup(): Promise<void>;
}

const FAST: QueueOptions = { retry: { attempts: 3, backoffMs: 50 }, leaseMs: 10_000 };

/** A promise and its resolver: a gate a test opens when it chooses. */
function gate(): { promise: Promise<void>; open: () => void } {
  let open!: () => void;
  const promise = new Promise<void>((resolve) => (open = resolve));
  return { promise, open };
}

export function queueContract(name: string, makeHarness: () => Promise<QueueHarness>): void {
  describe(`Queue contract: ${name}`, () => {
    let harness: QueueHarness;
    const open: JobQueue[] = [];
    let n = 0;
    /** A job name no other test uses. */
    const jobName = () => `t${++n}x${Math.random().toString(36).slice(2, 8)}.job`;
    async function queue(options = FAST): Promise<JobQueue> {
      const q = await harness.open(options);
      open.push(q);
      return q;
    }

    async function restart(): Promise<void> {
      await Promise.all(open.splice(0).map((q) => q.close(0)));
      await harness.restart();
    }

    beforeAll(async () => {
      harness = await makeHarness();
    });
    afterEach(async () => {
      await Promise.all(open.splice(0).map((q) => q.close(0)));
    });
    afterAll(async () => {
      await harness?.cleanup();
    });

    it('runs an enqueued job once, with its payload and context', async () => {
      const q = await queue();
      const name = jobName();
      const seen: { payload: unknown; attempt: number; key: string; name: string }[] = [];
      q.handle(name, async (payload, job) => {
        seen.push({ payload, attempt: job.attempt, key: job.idempotencyKey, name: job.name });
      });
      await q.start();
      const payload = { email: 'ada@example.com', tags: ['a', 'b'], n: 3, nested: { ok: true } };
      const { id } = await q.enqueue(name, payload, { idempotencyKey: 'k1' });
      await waitFor(async () => (await q.status(id))?.state === 'done', 'the job is done');
      expect(seen).toEqual([{ payload, attempt: 1, key: 'k1', name }]);
      expect(await q.status(id)).toMatchObject({ id, name, state: 'done', attempts: 1 });
    });

    it('enqueuing the same idempotency key again adds nothing; another key adds a job', async () => {
      const q = await queue();
      const name = jobName();
      const seen: unknown[] = [];
      const release = gate();
      q.handle(name, async (payload) => {
        await release.promise;
        seen.push(payload);
      });
      const a = await q.enqueue(name, { v: 1 }, { idempotencyKey: 'same' });
      const b = await q.enqueue(name, { v: 2 }, { idempotencyKey: 'same' });
      const c = await q.enqueue(name, { v: 3 }, { idempotencyKey: 'other' });
      expect(b.id).toBe(a.id);
      expect(c.id).not.toBe(a.id);
      await q.start();
      release.open();
      await waitFor(async () => (await q.status(c.id))?.state === 'done', 'job c is done');
      await waitFor(async () => (await q.status(a.id))?.state === 'done', 'job a is done');
      expect(seen.sort((x, y) => JSON.stringify(x).localeCompare(JSON.stringify(y)))).toEqual([
        { v: 1 },
        { v: 3 },
      ]);
      // Also once done: the key still names the finished job.
      expect((await q.enqueue(name, { v: 4 }, { idempotencyKey: 'same' })).id).toBe(a.id);
      expect(await q.status(a.id)).toMatchObject({ state: 'done', attempts: 1 });
    });

    it('retries a failing job with exponential backoff, then succeeds', async () => {
      const q = await queue({ retry: { attempts: 4, backoffMs: 200 }, leaseMs: 10_000 });
      const name = jobName();
      const at: number[] = [];
      const attempts: number[] = [];
      q.handle(name, async (_payload, job) => {
        at.push(Date.now());
        attempts.push(job.attempt);
        if (job.attempt < 3) throw new Error(`transient failure ${job.attempt}`);
      });
      await q.start();
      const { id } = await q.enqueue(name, {}, { idempotencyKey: 'retry' });
      await waitFor(async () => (await q.status(id))?.state === 'done', 'the job is done');
      expect(attempts).toEqual([1, 2, 3]);
      // 200 ms, then 400 ms (a little timer slack below).
      expect(at[1]! - at[0]!).toBeGreaterThanOrEqual(190);
      expect(at[2]! - at[1]!).toBeGreaterThanOrEqual(390);
      expect(await q.status(id)).toMatchObject({ state: 'done', attempts: 3 });
    });

    it('fails a job for good after its last attempt, keeping the last error', async () => {
      const q = await queue();
      const name = jobName();
      let calls = 0;
      q.handle(name, async () => {
        calls++;
        throw new Error(`SMTP said no (call ${calls})`);
      });
      await q.start();
      const { id } = await q.enqueue(name, {}, { idempotencyKey: 'doomed' });
      await waitFor(async () => (await q.status(id))?.state === 'failed', 'the job fails');
      const status = await q.status(id);
      expect(status).toMatchObject({ state: 'failed', attempts: 3 });
      expect(status?.lastError).toContain('SMTP said no (call 3)');
      expect(calls).toBe(3);
    });

    it('a PermanentJobError fails the job without retries', async () => {
      const q = await queue();
      const name = jobName();
      let calls = 0;
      q.handle(name, async () => {
        calls++;
        throw new PermanentJobError('payload has no email');
      });
      await q.start();
      const { id } = await q.enqueue(name, {}, { idempotencyKey: 'bad' });
      await waitFor(async () => (await q.status(id))?.state === 'failed', 'the job fails');
      expect(calls).toBe(1);
      expect((await q.status(id))?.lastError).toContain('payload has no email');
    });

    it('a job enqueued before a restart runs after it', async () => {
      const name = jobName();
      const producer = await queue();
      const { id } = await producer.enqueue(name, { survived: true }, { idempotencyKey: 'r1' });
      await restart();
      const consumer = await queue();
      const seen: unknown[] = [];
      consumer.handle(name, async (payload) => {
        seen.push(payload);
      });
      await consumer.start();
      await waitFor(async () => (await consumer.status(id))?.state === 'done', 'the job is done');
      expect(seen).toEqual([{ survived: true }]);
    });

    it('a job left running at a shutdown deadline is taken again once its lease runs out', async () => {
      const name = jobName();
      const options = { retry: { attempts: 3, backoffMs: 50 }, leaseMs: 1_000 };
      const first = await queue(options);
      const started = gate();
      const never = gate();
      first.handle(name, async () => {
        started.open();
        await never.promise;
      });
      await first.start();
      const { id } = await first.enqueue(name, {}, { idempotencyKey: 'held' });
      await started.promise;
      await first.close(0); // abandons the job, like a process that died
      const second = await queue(options);
      let ranAgain = 0;
      second.handle(name, async () => {
        ranAgain++;
      });
      await second.start();
      await waitFor(
        async () => (await second.status(id))?.state === 'done',
        'another consumer finishes the abandoned job',
        15_000,
      );
      expect(ranAgain).toBe(1);
      never.open();
    });

    it('close waits for a running job, which is then done and never runs again', async () => {
      const name = jobName();
      const q = await queue();
      const started = gate();
      const finish = gate();
      let calls = 0;
      q.handle(name, async () => {
        calls++;
        started.open();
        await finish.promise;
      });
      await q.start();
      const { id } = await q.enqueue(name, {}, { idempotencyKey: 'graceful' });
      await started.promise;
      const closed = q.close(10_000);
      let closedYet = false;
      void closed.then(() => (closedYet = true));
      await new Promise((r) => setImmediate(r));
      expect(closedYet).toBe(false);
      finish.open();
      await closed;
      await restart();
      const again = await queue();
      const marker = jobName();
      let markerDone = false;
      again.handle(name, async () => {
        calls++;
      });
      again.handle(marker, async () => {
        markerDone = true;
      });
      await again.start();
      await again.enqueue(marker, {}, { idempotencyKey: 'marker' });
      await waitFor(() => markerDone, 'the restarted queue takes jobs');
      expect(calls).toBe(1);
      expect(await again.status(id)).toMatchObject({ state: 'done', attempts: 1 });
    });

    it('refuses a malformed job name or idempotency key', async () => {
      const q = await queue();
      await expect(q.enqueue('NoDot', {}, { idempotencyKey: 'k' })).rejects.toThrow(
        JobOptionsError,
      );
      await expect(q.enqueue('mail.welcome', {}, { idempotencyKey: 'has:colon' })).rejects.toThrow(
        /idempotency key must be/,
      );
      await expect(q.enqueue('mail.welcome', {}, { idempotencyKey: '' })).rejects.toThrow(
        JobOptionsError,
      );
      expect(await q.status('mail.welcome/never-enqueued')).toBeNull();
    });
  });
}
