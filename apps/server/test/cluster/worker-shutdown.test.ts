/**
 * Graceful shutdown of a worker process (`apps/worker/dist/main.js`) on
 * BullMQ: on SIGTERM it takes no new job, lets the running one finish within
 * SHUTDOWN_TIMEOUT_MS, and exits 0; a job that outlasts the deadline is left
 * to another worker, which finishes it without sending its email twice.
 * A Redis of the test's own and a real SMTP server on loopback.
 */
import path from 'node:path';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { BullMqQueue, MailService, RedisSentLog } from '@tandem/jobs';
import { startTestSmtpServer, type TestSmtpServer } from '@tandem/jobs/contract';
import { tempDir, waitFor } from '../harness.js';
import { startRedis } from './services.js';
import { deliveriesByKey, startWorker, type WorkerProcess } from './workers.js';

const PREFIX = 'tandem-shutdown';
const MAIL_FROM = 'Tandem <hello@tandem.test>';
const cleanup: (() => Promise<void>)[] = [];
const workers = new Set<WorkerProcess>();
/** A worker process starts a sandbox too: slow on a loaded machine. */
const SLOW = 120_000;

afterEach(async () => {
  for (const w of workers) w.child.kill('SIGKILL');
  await Promise.all([...workers].map((w) => w.exited));
  workers.clear();
  for (const f of cleanup.splice(0).reverse()) await f().catch(() => undefined);
});

async function setUp() {
  const tmp = await tempDir('tandem-worker-shutdown-');
  cleanup.push(tmp.remove);
  const redis = await startRedis(path.join(tmp.dir, 'redis'));
  cleanup.push(redis.stop);
  const smtp: TestSmtpServer = await startTestSmtpServer();
  cleanup.push(smtp.close);
  const producer = new BullMqQueue({
    redisUrl: redis.url,
    prefix: PREFIX,
    logger: pino({ level: 'silent' }),
    retry: { attempts: 5, backoffMs: 100 },
    leaseMs: 2000,
    concurrency: 1,
  });
  cleanup.push(() => producer.close(0));
  const worker = (env: Record<string, string>) => {
    const w = startWorker({
      REDIS_URL: redis.url,
      REDIS_PREFIX: PREFIX,
      SMTP_URL: smtp.url,
      MAIL_FROM,
      JOB_LEASE_MS: '2000',
      JOB_CONCURRENCY: '1',
      RUN_CONCURRENCY: '1',
      ...env,
    });
    workers.add(w);
    void w.exited.then(() => workers.delete(w));
    return w;
  };
  const mail = new MailService(producer, 'https://tandem.example.com');
  const welcome = (accountId: string) =>
    mail.sendWelcome({ email: `${accountId}@example.com`, displayName: 'Ada', accountId });
  const state = async (jobId: string) => (await producer.status(jobId))?.state;
  return { redis, smtp, producer, worker, welcome, state };
}

describe('worker shutdown on SIGTERM', () => {
  it(
    'takes no new job, lets the running one finish, and exits 0',
    async () => {
      const s = await setUp();
      const hold = s.smtp.holdNext();
      const jobs = [await s.welcome('first'), await s.welcome('second'), await s.welcome('third')];
      const w = s.worker({ SHUTDOWN_TIMEOUT_MS: '60000' });
      await hold.held; // one job is mid-send (JOB_CONCURRENCY 1), the other two wait
      w.child.kill('SIGTERM');
      await waitFor(
        () => w.seen('shutting down: no new jobs; running ones may finish') === 1,
        'the worker to begin its shutdown',
        SLOW,
      );
      expect(w.child.exitCode).toBeNull(); // still finishing the running job
      hold.release();
      expect(await w.exited).toBe(0);
      const states = await Promise.all(jobs.map((j) => s.state(j.jobId)));
      expect(states.filter((st) => st === 'done')).toHaveLength(1);
      expect(states.filter((st) => st === 'queued')).toHaveLength(2);
      expect(s.smtp.accepted).toHaveLength(1);

      // The two it left are another worker's.
      s.worker({});
      await waitFor(
        async () =>
          (await Promise.all(jobs.map((j) => s.state(j.jobId)))).every((st) => st === 'done'),
        'every job to be done',
        SLOW,
      );
      const keys = ['first', 'second', 'third'].map((a) => `welcome.${a}`);
      expect([...deliveriesByKey(s.smtp.accepted, keys, MAIL_FROM).values()]).toEqual([1, 1, 1]);
    },
    SLOW * 2,
  );

  it(
    'a job that outlasts SHUTDOWN_TIMEOUT_MS: the worker exits 0 at the deadline, another finishes the job without sending it again',
    async () => {
      const s = await setUp();
      const hold = s.smtp.holdNext();
      const { jobId } = await s.welcome('slow');
      const w = s.worker({ SHUTDOWN_TIMEOUT_MS: '1000' });
      await hold.held;
      const sigterm = Date.now();
      w.child.kill('SIGTERM');
      expect(await w.exited).toBe(0);
      const tookMs = Date.now() - sigterm;
      process.stdout.write(`worker shutdown with a 1000 ms deadline took ${tookMs} ms\n`);
      expect(tookMs).toBeGreaterThanOrEqual(1000);
      expect(tookMs).toBeLessThan(30_000);
      expect(await s.state(jobId)).toBe('running'); // left locked, to be recovered as stalled
      hold.release(); // the server had the whole message; it keeps it

      s.worker({});
      await waitFor(async () => (await s.state(jobId)) === 'done', 'the job to be done', SLOW);
      expect(s.smtp.accepted).toHaveLength(1);
      expect(s.smtp.attempts.data).toBe(1);
      const redis = new Redis(s.redis.url);
      try {
        expect(await new RedisSentLog(redis, PREFIX).inspect('welcome.slow')).toMatchObject({
          state: 'sent',
          uncertain: true,
        });
      } finally {
        redis.disconnect();
      }
    },
    SLOW * 2,
  );
});
