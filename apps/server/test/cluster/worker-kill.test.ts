/**
 * Mail jobs on BullMQ through real worker processes, under faults: workers
 * SIGKILLed at random moments mid-job, and Redis paused and restarted. A
 * Redis of the test's own (AOF, appendfsync always, noeviction), a real SMTP
 * server on loopback; the producer is the server's own queue code
 * (`BullMqQueue` + `MailService`). Each email is counted at the SMTP server
 * by its Message-ID, which is derived from its idempotency key.
 *
 * What "no email sent twice" rests on is in docs/DECISIONS.md ("An email is
 * claimed in the sent log ..."): the one window left (a worker dying between
 * its claim and writing the final "." of the message) can lose an email,
 * never duplicate one, and leaves it marked `uncertain`. The kill test
 * measures it: it reports how many recovered jobs found a dead worker's
 * claim and how many of those emails never reached the server, and allows a
 * missing email only if it is so marked.
 */
import path from 'node:path';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { BullMqQueue, MailService, RedisSentLog } from '@tandem/jobs';
import { startTestSmtpServer, type TestSmtpServer } from '@tandem/jobs/contract';
import { MAIL_QUEUE } from '@tandem/protocol';
import { tempDir, waitFor } from '../harness.js';
import { startRedis } from './services.js';
import { deliveriesByKey, startWorker, type WorkerProcess } from './workers.js';

const PREFIX = 'tandem-faults';
const MAIL_FROM = 'Tandem <hello@tandem.test>';
const cleanup: (() => Promise<void>)[] = [];
const workers = new Set<WorkerProcess>();

afterEach(async () => {
  for (const w of workers) w.child.kill('SIGKILL');
  await Promise.all([...workers].map((w) => w.exited));
  workers.clear();
  for (const f of cleanup.splice(0).reverse()) await f().catch(() => undefined);
});

interface Setup {
  redisUrl: string;
  redis: Awaited<ReturnType<typeof startRedis>>;
  smtp: TestSmtpServer;
  producer: BullMqQueue;
  mail: MailService;
  sentLog: RedisSentLog;
  mailQueue: Queue;
  worker(): WorkerProcess;
}

async function setUp(): Promise<Setup> {
  const tmp = await tempDir('tandem-worker-faults-');
  cleanup.push(tmp.remove);
  const redis = await startRedis(path.join(tmp.dir, 'redis'));
  cleanup.push(redis.stop);
  const smtp = await startTestSmtpServer();
  cleanup.push(smtp.close);
  const logger = pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' });
  const producer = new BullMqQueue({
    redisUrl: redis.url,
    prefix: PREFIX,
    logger,
    retry: { attempts: 10, backoffMs: 100 },
    leaseMs: 3000,
    concurrency: 1,
  });
  cleanup.push(() => producer.close(0));
  const client = new Redis(redis.url, { maxRetriesPerRequest: null });
  client.on('error', () => undefined); // Redis goes away on purpose here
  cleanup.push(async () => client.disconnect());
  const mailQueue = new Queue(MAIL_QUEUE, { connection: client, prefix: PREFIX });
  mailQueue.on('error', () => undefined);
  cleanup.push(() => mailQueue.close());
  const worker = () => {
    const w = startWorker({
      REDIS_URL: redis.url,
      REDIS_PREFIX: PREFIX,
      SMTP_URL: smtp.url,
      MAIL_FROM,
      // Long enough that a loaded machine's event-loop stalls rarely cost a live worker its job.
      JOB_LEASE_MS: '3000',
      JOB_CONCURRENCY: '8',
      RUN_CONCURRENCY: '1',
    });
    workers.add(w);
    void w.exited.then(() => workers.delete(w));
    return w;
  };
  return {
    redisUrl: redis.url,
    redis,
    smtp,
    producer,
    mail: new MailService(producer, 'https://tandem.example.com'),
    sentLog: new RedisSentLog(client, PREFIX),
    mailQueue,
    worker,
  };
}

const keyOf = (account: string) => `welcome.${account}`;

async function enqueue(s: Setup, accounts: string[]): Promise<void> {
  for (let i = 0; i < accounts.length; i += 50) {
    await Promise.all(
      accounts
        .slice(i, i + 50)
        .map((accountId) =>
          s.mail.sendWelcome({ email: `${accountId}@example.com`, displayName: 'Ada', accountId }),
        ),
    );
  }
}

/** Every job completed in the queue and recorded as sent; each email counted at the server. */
async function account(s: Setup, accounts: string[]) {
  const counts = await s.mailQueue.getJobCounts('completed', 'failed', 'active', 'wait', 'delayed');
  const entries = await Promise.all(accounts.map((a) => s.sentLog.inspect(keyOf(a))));
  const deliveries = deliveriesByKey(s.smtp.accepted, accounts.map(keyOf), MAIL_FROM);
  const twice = [...deliveries].filter(([, n]) => n > 1).map(([k]) => k);
  const missing = [...deliveries].filter(([, n]) => n === 0).map(([k]) => k);
  const uncertain = accounts.filter((_, i) => entries[i]?.uncertain).map(keyOf);
  return {
    counts,
    recorded: entries.filter((e) => e?.state === 'sent').length,
    attempts: entries.reduce((sum, e) => sum + (e?.attempts ?? 0), 0),
    twice,
    missing,
    uncertain,
  };
}

describe('mail jobs on BullMQ under faults', () => {
  it('1,000 mail jobs, 2 workers, 20 SIGKILLs at random moments mid-job: every job finishes, no email is sent twice', async () => {
    const started = Date.now();
    const s = await setUp();
    const JOBS = 1000;
    const KILLS = 20;
    const accounts = Array.from({ length: JOBS }, (_, i) => `acc-${i}`);
    await enqueue(s, accounts);
    const enqueuedMs = Date.now() - started;

    s.worker();
    s.worker();
    let kills = 0;
    let seed = Number(process.env.TEST_SEED ?? Date.now() % 100_000);
    const random = () => {
      seed = (seed * 16807) % 2147483647;
      return seed / 2147483647;
    };
    process.stdout.write(`worker kill test: seed ${seed}\n`);
    while (kills < KILLS) {
      // A victim in the middle of its work: ready, and sending for a while already.
      const quota = 2 + Math.floor(random() * 8);
      let victim: WorkerProcess | undefined;
      await waitFor(
        () => {
          const sending = [...workers].filter((w) => w.seen('mail delivered') >= quota);
          victim = sending[Math.floor(random() * sending.length)];
          return victim !== undefined || s.smtp.accepted.length >= JOBS;
        },
        'a worker to be sending',
        60_000,
      );
      if (!victim) break; // everything was sent before the kills ran out
      // The moment within its work is random too (jitter, not a wait for a condition).
      await new Promise((r) => setTimeout(r, random() * 50));
      victim.child.kill('SIGKILL');
      await victim.exited;
      kills++;
      if (process.env.TEST_VERBOSE) {
        process.stdout.write(
          `kill ${kills} at ${Date.now() - started} ms, ${s.smtp.accepted.length} sent\n`,
        );
      }
      s.worker();
    }
    const killsDoneMs = Date.now() - started;
    const sentAtLastKill = s.smtp.accepted.length;

    await waitFor(
      async () => (await s.mailQueue.getJobCounts('completed')).completed === JOBS,
      'every job to complete',
      120_000,
    );
    const result = await account(s, accounts);
    const elapsedMs = Date.now() - started;
    process.stdout.write(
      `worker kill test: ${JOBS} jobs, ${kills} kills (the last ${killsDoneMs} ms in, ${sentAtLastKill} sent by then), ` +
        `${result.attempts} attempts, ${s.smtp.attempts.data} DATA commands, ` +
        `${s.smtp.accepted.length} emails accepted (${s.smtp.recovered} complete on the wire when their worker died), ` +
        `${result.twice.length} sent twice, ${result.uncertain.length} found a dead worker's claim (${result.missing.length} of them missing), ` +
        `enqueued in ${enqueuedMs} ms, ${elapsedMs} ms in all\n`,
    );

    expect(kills).toBe(KILLS);
    expect(result.counts).toMatchObject({ completed: JOBS, failed: 0, active: 0, wait: 0 });
    expect(result.recorded).toBe(JOBS);
    expect(result.twice).toEqual([]);
    // Only the documented window may lose an email, and such an email is always flagged
    // `uncertain` (its count is printed above; docs/DECISIONS.md has the figures measured).
    expect(result.missing.filter((k) => !result.uncertain.includes(k))).toEqual([]);

    // Graceful shutdown: both survivors exit 0 on SIGTERM.
    const survivors = [...workers];
    for (const w of survivors) w.child.kill('SIGTERM');
    expect(await Promise.all(survivors.map((w) => w.exited))).toEqual(survivors.map(() => 0));
  }, 240_000);

  it('Redis paused and restarted (3 rounds each) with jobs queued before and during: every job finishes, each email once', async () => {
    const s = await setUp();
    const before = Array.from({ length: 200 }, (_, i) => `before-${i}`);
    await enqueue(s, before);
    s.worker();
    s.worker();
    await waitFor(() => s.smtp.accepted.length >= 20, 'the workers to be sending', 60_000);

    const during: string[] = [];
    const resumedMs: number[] = [];
    for (let round = 0; round < 6; round++) {
      const restart = round % 2 === 1;
      const batch = Array.from({ length: 30 }, (_, i) => `during-${round}-${i}`);
      during.push(...batch);
      if (restart) await s.redis.stop();
      else s.redis.pause();
      // Enqueued while Redis is away: each call waits for it and is stored once it is back.
      const queued = enqueue(s, batch);
      // The fault itself lasts a while: a pause longer than the job lease (3 s), so running
      // jobs' locks run out under their live workers and are recovered as stalled.
      await new Promise((r) => setTimeout(r, restart ? 1_000 : 3_500));
      if (restart) await s.redis.restart();
      else s.redis.resume();
      // Counted the moment Redis is back: the workers may send much of this round's batch
      // before the producer's own reconnect lets `queued` settle. Ten more, or every email
      // enqueued so far if fewer are left, is what "sending again" asks.
      const sent = s.smtp.accepted.length;
      const back = Date.now();
      await queued;
      const target = Math.min(sent + 10, before.length + during.length);
      await waitFor(
        () => s.smtp.accepted.length >= target,
        async () =>
          `the workers to be sending again after round ${round}: ${s.smtp.accepted.length} of ${target} accepted, ` +
          `jobs ${JSON.stringify(await s.mailQueue.getJobCounts('completed', 'failed', 'active', 'wait', 'delayed', 'prioritized'))}, ` +
          `${workers.size} workers alive`,
        60_000,
      );
      resumedMs.push(Date.now() - back);
    }
    const all = [...before, ...during];
    await waitFor(
      async () => (await s.mailQueue.getJobCounts('completed')).completed === all.length,
      'every job to complete',
      90_000,
    );
    const result = await account(s, all);
    process.stdout.write(
      `Redis fault test: ${all.length} jobs (${during.length} enqueued during outages), 3 pauses, 3 restarts, ` +
        `${result.attempts} attempts, ${s.smtp.accepted.length} emails accepted, ${result.twice.length} sent twice, ` +
        `${result.missing.length} missing, ${result.uncertain.length} uncertain; ` +
        `sending again ${resumedMs.join(', ')} ms after each fault\n`,
    );
    expect(result.counts).toMatchObject({ completed: all.length, failed: 0, active: 0, wait: 0 });
    expect(result.recorded).toBe(all.length);
    expect(result.twice).toEqual([]);
    expect(result.missing).toEqual([]);
  }, 240_000);
});
