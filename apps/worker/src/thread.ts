/**
 * The worker as a thread of the server process (the embedded shape). It owns
 * the sandbox; the server sends it jobs and gets progress and results back.
 * The server decides how many jobs run at once; this thread runs what it gets.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { pino } from 'pino';
import type { FromWorkerThread, ToWorkerThread } from '@tandem/protocol';
import { createSandbox } from '@tandem/sandbox';
import { runJob } from './run-job.js';

interface ThreadOptions {
  backend: 'auto' | 'bubblewrap' | 'wasm';
  logLevel: string;
}

const port = parentPort;
if (!port) throw new Error('thread.ts runs as a worker thread');
const options = workerData as ThreadOptions;
const logger = pino({ level: options.logLevel, base: { service: 'tandem-worker' } });
const post = (message: FromWorkerThread) => port.postMessage(message);
const running = new Map<string, AbortController>();

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

  port.on('message', (message: ToWorkerThread) => {
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
        for (const c of running.values()) c.abort();
        void sandbox.close().finally(() => {
          post({ type: 'closed' });
          port.close();
        });
        return;
    }
  });
} catch (err) {
  logger.error({ err }, 'sandbox failed to start');
  post({ type: 'failed', message: err instanceof Error ? err.message : String(err) });
}
