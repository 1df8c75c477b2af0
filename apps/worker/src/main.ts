/**
 * `npm run worker`: one worker process of the scaled shape. It owns a sandbox
 * and runs jobs from the Redis queue (BullMQ) that the server nodes fill.
 */
import os from 'node:os';
import { pino } from 'pino';
import { RUN_SLOTS_PER_CORE } from '@tandem/protocol';
import { startQueueWorker } from './queue-worker.js';

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
}

/** Reads and checks the environment; throws naming every bad variable. */
function readWorkerEnv(env: Record<string, string | undefined>): WorkerEnv {
  const problems: string[] = [];
  const get = (name: string) => (env[name] === '' ? undefined : env[name]);

  const redisUrl = get('REDIS_URL');
  if (redisUrl === undefined) {
    problems.push('REDIS_URL: required (the worker takes its jobs from Redis)');
  } else {
    let protocol = '';
    try {
      protocol = new URL(redisUrl).protocol;
    } catch {
      problems.push(`REDIS_URL: expected a URL, got "${redisUrl}"`);
    }
    if (protocol && protocol !== 'redis:' && protocol !== 'rediss:') {
      problems.push(`REDIS_URL: expected a redis: or rediss: URL, got "${protocol}"`);
    }
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
  const rawConcurrency = get('RUN_CONCURRENCY');
  const runConcurrency =
    rawConcurrency === undefined
      ? os.availableParallelism() * RUN_SLOTS_PER_CORE
      : Number(rawConcurrency);
  if (
    rawConcurrency !== undefined &&
    (!/^\d+$/.test(rawConcurrency.trim()) || runConcurrency < 1 || runConcurrency > 256)
  ) {
    problems.push(`RUN_CONCURRENCY: expected a number from 1 to 256, got "${rawConcurrency}"`);
  }
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
  const worker = await startQueueWorker({
    redisUrl: env.redisUrl,
    prefix: env.redisPrefix,
    backend: env.sandboxBackend,
    concurrency: env.runConcurrency,
    logger,
  });

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) {
      logger.warn({ signal }, 'second signal: exiting now');
      process.exit(1);
    }
    stopping = true;
    logger.info({ signal }, 'shutting down: no new jobs; running ones may finish');
    worker.close(SHUTDOWN_DEADLINE_MS).then(
      () => process.exit(0),
      (err: unknown) => {
        logger.error({ err }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

main().catch((err: unknown) => {
  process.stderr.write(
    `Tandem worker failed to start: ${err instanceof Error ? err.message : String(err)}\n`,
  );
  process.exit(1);
});
