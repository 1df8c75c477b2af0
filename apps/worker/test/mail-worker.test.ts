/**
 * Mail in the scaled shape: a server-side producer queues the welcome email
 * in BullMQ on the real Redis; real worker processes (`node
 * apps/worker/dist/main.js`, built by `npx tsc -b`) send it to a real SMTP
 * server on loopback. A worker SIGKILLed mid-send: the job is recovered from
 * the stalled state by another worker and the email is sent once.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BullMqQueue, MailService, RedisSentLog } from '@tandem/jobs';
import {
  parseMail,
  startTestSmtpServer,
  waitFor,
  type TestSmtpServer,
} from '@tandem/jobs/contract';

const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const WORKER_MAIN = fileURLToPath(new URL('../dist/main.js', import.meta.url));
const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const PREFIX = `tandem-test-${randomBytes(4).toString('hex')}`;
/** A worker process starts its sandbox too, which takes long on a loaded machine. */
const SLOW = 240_000;

const workers = new Set<ChildProcess>();
let smtp: TestSmtpServer;
let producer: BullMqQueue;
let mail: MailService;
let redis: Redis;
let sentLog: RedisSentLog;

function startWorker(): { child: ChildProcess; exited: Promise<number | null> } {
  const child = spawn(process.execPath, [WORKER_MAIN], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH,
      REDIS_URL,
      REDIS_PREFIX: PREFIX,
      SMTP_URL: smtp.url,
      MAIL_FROM: 'Tandem <hello@tandem.test>',
      // Long enough that a busy machine's event-loop stalls never cost a live worker its job.
      JOB_LEASE_MS: '4000',
      RUN_CONCURRENCY: '1',
      LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'error',
    },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  workers.add(child);
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => {
      workers.delete(child);
      resolve(code);
    }),
  );
  return { child, exited };
}

beforeAll(async () => {
  smtp = await startTestSmtpServer();
  const logger = pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' });
  producer = new BullMqQueue({
    redisUrl: REDIS_URL,
    prefix: PREFIX,
    logger,
    retry: { attempts: 5, backoffMs: 100 },
    leaseMs: 1000,
    concurrency: 1,
  });
  mail = new MailService(producer, 'https://tandem.example.com');
  redis = new Redis(REDIS_URL);
  sentLog = new RedisSentLog(redis, PREFIX);
});

afterAll(async () => {
  for (const child of workers) child.kill('SIGKILL');
  await producer?.close(0);
  await smtp?.close();
  const keys = await redis.keys(`${PREFIX}:*`);
  if (keys.length > 0) await redis.del(...keys);
  await redis.quit();
});

describe('mail through worker processes (BullMQ)', () => {
  it(
    'a worker SIGKILLed after the end of the message, before the reply: another worker finishes the job without sending the email again',
    async () => {
      const hold = smtp.holdNext();
      const { jobId } = await mail.sendWelcome({
        email: 'ada@example.com',
        displayName: 'Ada <Lovelace>',
        accountId: 'acc-worker',
      });
      const first = startWorker();
      await hold.held; // the first worker is mid-send: the message is complete, no reply yet
      first.child.kill('SIGKILL');
      await first.exited;
      await hold.gone;
      hold.release(); // the server keeps it, as a real mail server would

      const second = startWorker();
      await waitFor(
        async () => (await producer.status(jobId))?.state === 'done',
        'the second worker finishes the job',
        SLOW,
      );
      // It found the first one's claim: it did not send the email again.
      expect(smtp.attempts.data).toBe(1);
      expect(smtp.accepted).toHaveLength(1);
      expect(await sentLog.inspect('welcome.acc-worker')).toMatchObject({
        state: 'sent',
        uncertain: true,
      });
      const message = await parseMail(smtp.accepted[0]!);
      expect(message.to && !Array.isArray(message.to) ? message.to.text : '').toBe(
        'ada@example.com',
      );
      expect(message.html).toContain('Ada &lt;Lovelace&gt;');
      expect(message.text).toContain('https://tandem.example.com');

      // The same email asked for again: the job stands, nothing more is sent.
      const again = await mail.sendWelcome({
        email: 'ada@example.com',
        displayName: 'Ada',
        accountId: 'acc-worker',
      });
      expect(again.jobId).toBe(jobId);

      // Through an outage: 4xx refusals are retried with backoff, one email in the end.
      smtp.refuseNext(2, 'data', 451);
      const retried = await mail.sendWelcome({ email: 'grace@example.com', displayName: 'Grace' });
      await waitFor(
        async () => (await producer.status(retried.jobId))?.state === 'done',
        'the retried job is done',
        30_000,
      );
      expect(await producer.status(retried.jobId)).toMatchObject({ attempts: 3 });
      expect(smtp.accepted).toHaveLength(2);
      expect(smtp.attempts.data).toBe(4);

      // Graceful shutdown: SIGTERM, the worker closes its queues and exits 0.
      second.child.kill('SIGTERM');
      expect(await second.exited).toBe(0);
    },
    SLOW,
  );
});
