import type { RunView, StepView, CaseView, Verdict } from './runs.js';

/**
 * Messages between the server and the workers that own the sandbox. Not sent
 * to browsers. The same shapes travel over a worker thread's port (embedded
 * shape) and through the job queue (scaled shape).
 */
export interface RunJob {
  runId: string;
  language: string;
  source: string;
  stdin: string;
  /** Judged runs: the problem's cases, hidden ones included (the worker needs them). */
  cases: { stdin: string; expected: string; hidden: boolean }[] | null;
  /** Per-problem limit overrides. */
  limits: { cpuMs?: number; wallMs?: number; memoryBytes?: number } | null;
}

export type JobProgress =
  | { type: 'started'; runId: string; backend: 'bubblewrap' | 'wasm' }
  | { type: 'case'; runId: string; case: CaseView };

export interface RunJobResult {
  runId: string;
  verdict: Verdict;
  backend: 'bubblewrap' | 'wasm';
  compile: StepView | null;
  result: StepView | null;
  cases: CaseView[] | null;
  summary: RunView['summary'];
}
