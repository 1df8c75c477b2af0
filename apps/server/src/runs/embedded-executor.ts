import { fork, type ChildProcess } from 'node:child_process';
import type { FromEmbeddedWorker as FromWorker, RunJob, ToEmbeddedWorker } from '@tandem/protocol';
import type { Logger } from '../logger.js';
import type { ExecutorHandlers, ExecutorInfo, RunExecutor } from './executor.js';

/** apps/worker/dist/embedded.js, from apps/server/src/runs or apps/server/dist/runs alike. */
export const DEFAULT_WORKER_ENTRY = new URL('../../../worker/dist/embedded.js', import.meta.url);

/** How long a closing worker gets to stop its jobs before it is killed. */
const CLOSE_TIMEOUT_MS = 5_000;

/**
 * Runs the worker as a child process of this one (the embedded shape), over
 * Node's IPC channel. If the process dies, its jobs in flight finish as
 * `internal_error` and a new one starts; the sandbox's own processes die with
 * their job either way. A process rather than a thread: see apps/worker/src/embedded.ts.
 */
export class EmbeddedExecutor implements RunExecutor {
  private worker!: ChildProcess;
  private info!: Promise<ExecutorInfo>;
  private readonly inFlight = new Map<string, RunJob>();
  private closing = false;
  /** Only a worker that once worked is restarted: one that cannot start would loop. */
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
    this.send({ type: 'run', job });
  }

  cancel(runId: string): void {
    if (this.inFlight.has(runId)) this.send({ type: 'cancel', runId });
  }

  async close(): Promise<void> {
    this.closing = true;
    if (this.exited) return;
    const exited = new Promise<void>((resolve) => this.worker.once('exit', () => resolve()));
    if (this.wasReady && this.worker.connected) this.send({ type: 'close' });
    else this.worker.kill('SIGKILL');
    const timer = setTimeout(() => this.worker.kill('SIGKILL'), CLOSE_TIMEOUT_MS);
    await exited;
    clearTimeout(timer);
  }

  private send(message: ToEmbeddedWorker): void {
    // A worker that just died has no channel: its exit handler ends the jobs.
    if (this.worker.connected) this.worker.send(message);
  }

  private spawn(): void {
    const { logger, backend, logLevel } = this.options;
    this.exited = false;
    const worker = fork(
      this.options.entry ?? DEFAULT_WORKER_ENTRY,
      [JSON.stringify({ backend, logLevel })],
      {
        // The worker runs built JavaScript: none of the parent's flags (a test runner's
        // `--conditions source`, say) may make it resolve TypeScript sources.
        execArgv: [],
        serialization: 'advanced',
        stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      },
    );
    this.worker = worker;
    this.info = new Promise<ExecutorInfo>((resolve, reject) => {
      worker.on('message', (m: FromWorker) => {
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
      });
      worker.on('error', (err) => {
        logger.error({ err }, 'worker process failed');
        reject(err);
      });
      worker.once('exit', (code, signal) =>
        reject(new Error(`the worker process exited (${signal ?? code}) before it was ready`)),
      );
    });
    this.info.catch(() => undefined);
    worker.once('exit', (code, signal) => {
      this.exited = true;
      if (this.closing || !this.wasReady) return;
      logger.error(
        { code, signal, inFlight: this.inFlight.size },
        'worker process exited; restarting it',
      );
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
