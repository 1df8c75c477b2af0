/**
 * `npm run worker`: one worker process of the scaled shape. It owns a sandbox
 * and runs jobs from the Redis queues (BullMQ) that the server nodes fill:
 * sandboxed runs (`runs`) and mail (`mail`).
 */
import os from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import { startMailWorker } from './mail-worker.js';
import { RUN_SLOTS_PER_CORE } from '@tandem/protocol';

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
const BACKENDS = ['auto', 'bubblewrap', 'wasm'] as const;
/** Running jobs get this long to finish after SIGTERM before they are aborted. */
const SHUTDOWN_DEADLINE_MS = 25_000;

interface WorkerEnv {
  redisUrl: string;
  redisPrefix: string;
  sandboxBackend: (typeof BACKENDS)[number];
  runConcurrency: number;
  logLevel: (typeof LOG_LEVELS)[number];
  smtpUrl: string | undefined;
  mailFrom: string;
  dataDir: string;
  jobLeaseMs: number;
  jobConcurrency: number;
}

/** A whole number from the environment, or the problem with it. */
function wholeNumber(
  name: string,
  raw: string | undefined,
  fallback: number,
  [min, max]: [number, number],
  problems: string[],
): number {
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!/^\d+$/.test(raw.trim()) || n < min || n > max) {
    problems.push(`${name}: expected a number from ${min} to ${max}, got "${raw}"`);
  }
  return n;
}

/** Checks that `raw` is a URL with one of `protocols`; notes the problem otherwise. */
function checkUrl(name: string, raw: string, protocols: string[], problems: string[]): void {
  let protocol: string;
  try {
    protocol = new URL(raw).protocol;
  } catch {
    problems.push(`${name}: expected a URL, got "${raw}"`);
    return;
  }
  if (!protocols.includes(protocol)) {
    problems.push(`${name}: expected a ${protocols.join(' or ')} URL, got "${protocol}"`);
  }
}

/** Reads and checks the environment; throws naming every bad variable. */
function readWorkerEnv(env: Record<string, string | undefined>): WorkerEnv {
  const problems: string[] = [];
  const get = (name: string) => (env[name] === '' ? undefined : env[name]);

  const redisUrl = get('REDIS_URL');
  if (redisUrl === undefined) {
    problems.push('REDIS_URL: required (the worker takes its jobs from Redis)');
  } else {
    checkUrl('REDIS_URL', redisUrl, ['redis:', 'rediss:'], problems);
  }
  const redisPrefix = get('REDIS_PREFIX') ?? 'tandem';
  if (!/^[A-Za-z0-9_.:-]{1,64}$/.test(redisPrefix)) {
    problems.push(`REDIS_PREFIX: expected letters, digits, "_.:-" (1 to 64), got "${redisPrefix}"`);
  }
  const sandboxBackend = get('SANDBOX_BACKEND') ?? 'auto';
  if (!(BACKENDS as readonly string[]).includes(sandboxBackend)) {
    problems.push(
      `SANDBOX_BACKEND: expected one of ${BACKENDS.join(', ')}, got "${sandboxBackend}"`,
    );
  }
  const runConcurrency = wholeNumber(
    'RUN_CONCURRENCY',
    get('RUN_CONCURRENCY'),
    os.availableParallelism() * RUN_SLOTS_PER_CORE,
    [1, 256],
    problems,
  );
  const smtpUrl = get('SMTP_URL');
  if (smtpUrl !== undefined) checkUrl('SMTP_URL', smtpUrl, ['smtp:', 'smtps:'], problems);
  const mailFrom = get('MAIL_FROM') ?? 'Tandem <tandem@localhost>';
  if (/[\r\n]/.test(mailFrom) || !mailFrom.includes('@')) {
    problems.push(`MAIL_FROM: expected an address or "Name <address>", got "${mailFrom}"`);
  }
  const jobLeaseMs = wholeNumber(
    'JOB_LEASE_MS',
    get('JOB_LEASE_MS'),
    30_000,
    [500, 3_600_000],
    problems,
  );
  const jobConcurrency = wholeNumber(
    'JOB_CONCURRENCY',
    get('JOB_CONCURRENCY'),
    4,
    [1, 100],
    problems,
  );
  const logLevel = get('LOG_LEVEL') ?? 'info';
  if (!(LOG_LEVELS as readonly string[]).includes(logLevel)) {
    problems.push(`LOG_LEVEL: expected one of ${LOG_LEVELS.join(', ')}, got "${logLevel}"`);
  }
  if (problems.length > 0) {
    throw new Error(`Invalid configuration:\n  ${problems.join('\n  ')}`);
  }
  return {
    redisUrl: redisUrl!,
    redisPrefix,
    sandboxBackend: sandboxBackend as WorkerEnv['sandboxBackend'],
    runConcurrency,
    logLevel: logLevel as WorkerEnv['logLevel'],
    smtpUrl,
    mailFrom,
    dataDir: path.resolve(get('DATA_DIR') ?? './data'),
    jobLeaseMs,
    jobConcurrency,
  };
}

async function main(): Promise<void> {
  let env: WorkerEnv;
  try {
    env = readWorkerEnv(process.env);
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n`);
    process.exit(78);
  }
  const logger = pino({ level: env.logLevel, base: { service: 'tandem-worker' } });
  // Mail first: it needs no sandbox, and queued email need not wait for one.
  const mail = startMailWorker({
    redisUrl: env.redisUrl,
    prefix: env.redisPrefix,
    logger,
    smtpUrl: env.smtpUrl,
    mailFrom: env.mailFrom,
    dataDir: env.dataDir,
    leaseMs: env.jobLeaseMs,
    concurrency: env.jobConcurrency,
  });
  // The sandbox's modules load only now, so a restarted worker takes mail a second sooner.
  const runs = mail.then(async () => {
    const { startQueueWorker } = await import('./queue-worker.js');
    return startQueueWorker({
      redisUrl: env.redisUrl,
      prefix: env.redisPrefix,
      backend: env.sandboxBackend,
      concurrency: env.runConcurrency,
      logger,
    });
  });

  // Listening from the start: mail jobs run while the sandbox is still starting.
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) {
      logger.warn({ signal }, 'second signal: exiting now');
      process.exit(1);
    }
    stopping = true;
    logger.info({ signal }, 'shutting down: no new jobs; running ones may finish');
    Promise.all([
      runs.then((worker) => worker.close(SHUTDOWN_DEADLINE_MS)),
      mail.then((worker) => worker.close(SHUTDOWN_DEADLINE_MS)),
    ]).then(
      () => process.exit(0),
      (err: unknown) => {
        logger.error({ err }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
  await runs;
}

main().catch((err: unknown) => {
  process.stderr.write(
    `Tandem worker failed to start: ${err instanceof Error ? err.message : String(err)}\n`,
  );
  process.exit(1);
});
