import type { JobProgress, RunJob, RunJobResult, WorkerInfo } from '@tandem/protocol';

/** What the workers report once their sandbox is ready. */
export type ExecutorInfo = WorkerInfo;

export interface ExecutorHandlers {
  progress(progress: JobProgress): void;
  result(result: RunJobResult): void;
}

/**
 * The seam between the server and the workers that own the sandbox. The server
 * never runs untrusted code: it hands jobs over and relays what comes back.
 * Embedded shape: a worker child process; scaled shape: the job queue.
 */
export interface RunExecutor {
  /** Resolves once a worker is ready; rejects when the sandbox cannot start. */
  ready(): Promise<ExecutorInfo>;
  start(job: RunJob): void;
  cancel(runId: string): void;
  close(): Promise<void>;
}

export type ExecutorFactory = (handlers: ExecutorHandlers) => RunExecutor;
