import type { JobProgress, RunJob, RunJobResult, RunLanguage } from '@tandem/protocol';

/** Server → worker thread. */
export type ToWorker =
  { type: 'run'; job: RunJob } | { type: 'cancel'; runId: string } | { type: 'close' };

/** Worker thread → server. */
export type FromWorker =
  | {
      type: 'ready';
      backend: 'bubblewrap' | 'wasm';
      unavailableReason: string | null;
      languages: RunLanguage[];
    }
  | { type: 'failed'; message: string }
  | { type: 'progress'; progress: JobProgress }
  | { type: 'result'; result: RunJobResult }
  | { type: 'closed' };
