/**
 * `npm run worker`: one worker process of the scaled shape. It owns a sandbox
 * and runs jobs from the Redis queues (BullMQ) that the server nodes fill:
 * sandboxed runs (`runs`) and mail (`mail`).
 */
import os from 'node:os';
import { pino } from 'pino';
import { ConfigError, loadConfig, type Config } from '@tandem/config';
import { RUN_SLOTS_PER_CORE } from '@tandem/protocol';
import { startMailWorker } from './mail-worker.js';

/** Past the shutdown deadline, closing the connections gets this long before the process exits anyway. */
const SHUTDOWN_OVERRUN_MS = 10_000;

/**
 * The options this process uses, read from the one configuration table
 * (`@tandem/config`, the servers' own): a bad value of any option stops the
 * boot with its name, as on a server node.
 */
function readWorkerConfig(env: Record<string, string | undefined>): Config & { redisUrl: string } {
  const config = loadConfig(env);
  if (config.redisUrl === undefined) {
    throw new ConfigError(
      'Invalid configuration:\n  REDIS_URL: required (the worker takes its jobs from Redis)',
    );
  }
  return config as Config & { redisUrl: string };
}

async function main(): Promise<void> {
  let config: ReturnType<typeof readWorkerConfig>;
  try {
    config = readWorkerConfig(process.env);
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n`);
    process.exit(78);
  }
  const logger = pino({ level: config.logLevel, base: { service: 'tandem-worker' } });
  // Mail first: it needs no sandbox, and queued email need not wait for one.
  const mail = startMailWorker({
    redisUrl: config.redisUrl,
    prefix: config.redisPrefix,
    logger,
    smtpUrl: config.smtpUrl,
    mailFrom: config.mailFrom,
    dataDir: config.dataDir,
    leaseMs: config.jobLeaseMs,
    concurrency: config.jobConcurrency,
  });
  // The sandbox's modules load only now, so a restarted worker takes mail a second sooner.
  const runs = mail.then(async () => {
    const { startQueueWorker } = await import('./queue-worker.js');
    return startQueueWorker({
      redisUrl: config.redisUrl,
      prefix: config.redisPrefix,
      backend: config.sandboxBackend,
      concurrency: config.runConcurrency ?? os.availableParallelism() * RUN_SLOTS_PER_CORE,
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
    const deadlineMs = config.shutdownTimeoutMs;
    logger.info({ signal, deadlineMs }, 'shutting down: no new jobs; running ones may finish');
    setTimeout(() => {
      logger.error({ deadlineMs }, 'shutdown overran its deadline: exiting now');
      process.exit(1);
    }, deadlineMs + SHUTDOWN_OVERRUN_MS).unref();
    Promise.all([
      runs.then((worker) => worker.close(deadlineMs)),
      mail.then((worker) => worker.close(deadlineMs)),
    ]).then(
      () => {
        logger.info('shut down');
        process.exit(0);
      },
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
