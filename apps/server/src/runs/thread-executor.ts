import { Worker } from 'node:worker_threads';
import type { FromWorkerThread as FromWorker, RunJob } from '@tandem/protocol';
import type { Logger } from '../logger.js';
import type { ExecutorHandlers, ExecutorInfo, RunExecutor } from './executor.js';

/** apps/worker/dist/thread.js, from apps/server/src/runs or apps/server/dist/runs alike. */
export const DEFAULT_WORKER_ENTRY = new URL('../../../worker/dist/thread.js', import.meta.url);

/**
 * Runs the worker as a thread of this process (the embedded shape). If the
 * thread dies, its jobs in flight finish as `internal_error` and a new thread
 * starts; the sandbox's own processes die with their job either way.
 */
export class ThreadExecutor implements RunExecutor {
  private worker!: Worker;
  private info!: Promise<ExecutorInfo>;
  private readonly inFlight = new Map<string, RunJob>();
  private closing = false;
  /** Only a thread that once worked is restarted: one that cannot start would loop. */
  private wasReady = false;
  private exited = false;

  constructor(
    private readonly handlers: ExecutorHandlers,
    private readonly options: {
      backend: 'auto' | 'bubblewrap' | 'wasm';
      logger: Logger;
      logLevel: string;
      entry?: URL;
    },
  ) {
    this.spawn();
  }

  ready(): Promise<ExecutorInfo> {
    return this.info;
  }

  start(job: RunJob): void {
    this.inFlight.set(job.runId, job);
    this.worker.postMessage({ type: 'run', job });
  }

  cancel(runId: string): void {
    if (this.inFlight.has(runId)) this.worker.postMessage({ type: 'cancel', runId });
  }

  async close(): Promise<void> {
    this.closing = true;
    if (this.exited) return;
    if (!this.wasReady) {
      await this.worker.terminate();
      return;
    }
    const closed = new Promise<void>((resolve) => {
      this.worker.once('exit', () => resolve());
      this.worker.on('message', (m: FromWorker) => m.type === 'closed' && resolve());
    });
    this.worker.postMessage({ type: 'close' });
    const timer = setTimeout(() => void this.worker.terminate(), 5_000);
    await closed;
    clearTimeout(timer);
    await this.worker.terminate();
  }

  private spawn(): void {
    const { logger } = this.options;
    this.worker = new Worker(this.options.entry ?? DEFAULT_WORKER_ENTRY, {
      workerData: { backend: this.options.backend, logLevel: this.options.logLevel },
      // The worker runs built JavaScript: none of the parent's flags (a test runner's
      // `--conditions source`, say) may make it resolve TypeScript sources.
      execArgv: [],
    });
    this.info = new Promise<ExecutorInfo>((resolve, reject) => {
      const onMessage = (m: FromWorker) => {
        switch (m.type) {
          case 'ready':
            this.wasReady = true;
            resolve({
              backend: m.backend,
              unavailableReason: m.unavailableReason,
              languages: m.languages,
            });
            return;
          case 'failed':
            reject(new Error(`the sandbox could not start: ${m.message}`));
            return;
          case 'progress':
            this.handlers.progress(m.progress);
            return;
          case 'result':
            this.inFlight.delete(m.result.runId);
            this.handlers.result(m.result);
            return;
          case 'closed':
            return;
        }
      };
      this.worker.on('message', onMessage);
      this.worker.on('error', (err) => {
        logger.error({ err }, 'worker thread failed');
        reject(err);
      });
    });
    this.info.catch(() => undefined);
    this.worker.on('exit', (code) => {
      this.exited = true;
      if (this.closing || !this.wasReady) return;
      this.exited = false;
      logger.error({ code, inFlight: this.inFlight.size }, 'worker thread exited; restarting it');
      for (const job of this.inFlight.values()) {
        this.handlers.result({
          runId: job.runId,
          verdict: 'internal_error',
          backend: 'bubblewrap',
          compile: null,
          result: null,
          cases: null,
          summary: null,
        });
      }
      this.inFlight.clear();
      this.spawn();
    });
  }
}
