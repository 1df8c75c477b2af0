/**
 * The worker as a child process of the server (the embedded shape). It owns
 * the sandbox; the server sends it jobs over the IPC channel and gets
 * progress and results back. The server decides how many jobs run at once;
 * this process runs what it gets.
 *
 * A process rather than a thread of the server: every step spawns processes
 * (bwrap, mount, umount), and Node spawns with fork(), whose cost grows with
 * the resident memory of the process that forks. The server's holds PGlite's
 * (about 900 MB), this one's a few tens of MB (docs/DECISIONS.md).
 *
 * If the server goes away (its IPC channel closes), running jobs are stopped
 * and this process exits.
 */
import { pino } from 'pino';
import type { FromEmbeddedWorker, ToEmbeddedWorker } from '@tandem/protocol';
import { createSandbox } from '@tandem/sandbox';
import { runJob } from './run-job.js';

interface EmbeddedWorkerOptions {
  backend: 'auto' | 'bubblewrap' | 'wasm';
  logLevel: string;
}

if (!process.send) throw new Error('embedded.ts runs as a child process with an IPC channel');
const options = JSON.parse(process.argv[2] ?? '{}') as EmbeddedWorkerOptions;
const logger = pino({ level: options.logLevel, base: { service: 'tandem-worker' } });
const post = (message: FromEmbeddedWorker) => {
  if (process.connected) process.send?.(message);
};
const running = new Map<string, AbortController>();
let closing: Promise<void> | null = null;

try {
  const sandbox = await createSandbox({ backend: options.backend, logger });
  const languages = await sandbox.languages();
  logger.info(
    {
      backend: sandbox.backend,
      reason: sandbox.unavailableReason,
      languages: languages.map((l) => l.id),
    },
    'sandbox ready',
  );
  post({
    type: 'ready',
    backend: sandbox.backend,
    unavailableReason: sandbox.unavailableReason,
    languages,
  });

  const close = () => {
    closing ??= (async () => {
      for (const c of running.values()) c.abort();
      await sandbox.close().catch((err: unknown) => logger.error({ err }, 'sandbox close failed'));
      post({ type: 'closed' });
      process.disconnect?.();
    })();
    return closing;
  };

  process.on('message', (message: ToEmbeddedWorker) => {
    switch (message.type) {
      case 'run': {
        const controller = new AbortController();
        running.set(message.job.runId, controller);
        void runJob(
          sandbox,
          message.job,
          (progress) => post({ type: 'progress', progress }),
          controller.signal,
        ).then((result) => {
          running.delete(message.job.runId);
          post({ type: 'result', result });
        });
        return;
      }
      case 'cancel':
        running.get(message.runId)?.abort();
        return;
      case 'close':
        void close();
        return;
    }
  });
  // The server is gone: nothing may keep running on its behalf.
  process.on('disconnect', () => void close().finally(() => process.exit(0)));
} catch (err) {
  logger.error({ err }, 'sandbox failed to start');
  post({ type: 'failed', message: err instanceof Error ? err.message : String(err) });
  process.disconnect?.();
}
