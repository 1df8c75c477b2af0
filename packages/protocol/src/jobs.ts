import type { RunLanguage, RunView, StepView, CaseView, Verdict } from './runs.js';
import type { FunctionHarness } from './signature.js';

/**
 * Messages between the server and the workers that own the sandbox. Not sent
 * to browsers. The same shapes travel over the IPC channel of the embedded
 * worker (a child process of the server) and through the job queue (scaled
 * shape).
 */
export interface RunJob {
  runId: string;
  language: string;
  source: string;
  stdin: string;
  /**
   * Judged runs: the problem's cases, hidden ones included (the worker needs
   * them). With `harness`, each `stdin` is the arguments as a JSON array and
   * `expected` the returned value as JSON.
   */
  cases: { stdin: string; expected: string; hidden: boolean }[] | null;
  /** Set when the cases call the candidate's function instead of feeding stdin. */
  harness: FunctionHarness | null;
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

/**
 * Default run slots per CPU core (`RUN_CONCURRENCY` unset). Most runs wait
 * more than they compute (process start-up, the host's mounts and cgroup
 * files), so one slot per core leaves cores idle. CPU-bound runs cannot take
 * the server's share (their cgroups get a quarter of its CPU weight, and
 * they run at nice 10), and with two per core each still gets at least half a
 * core: a program within its CPU limit (5 s) ends within its wall-clock limit
 * (10 s) and keeps its verdict. See docs/DECISIONS.md.
 */
export const RUN_SLOTS_PER_CORE = 2;

/** What a worker announces once its sandbox is ready. */
export interface WorkerInfo {
  backend: 'bubblewrap' | 'wasm';
  /** Why bubblewrap is not used, when it is not. */
  unavailableReason: string | null;
  languages: RunLanguage[];
}

/** Server → the worker child process (embedded shape). */
export type ToEmbeddedWorker =
  { type: 'run'; job: RunJob } | { type: 'cancel'; runId: string } | { type: 'close' };

/** The worker child process → server (embedded shape). */
export type FromEmbeddedWorker =
  | ({ type: 'ready' } & WorkerInfo)
  | { type: 'failed'; message: string }
  | { type: 'progress'; progress: JobProgress }
  | { type: 'result'; result: RunJobResult }
  | { type: 'closed' };

/** Names the servers and the queue workers share in Redis (scaled shape). */
export const RUNS_QUEUE = 'runs';
/** The ids of workers that announced themselves (a set; servers drop dead ones). */
export const workersKey = (prefix: string) => `${prefix}:workers`;
/** A worker's announcement (`WorkerInfo`), with a TTL. */
export const workerKey = (prefix: string, id: string) => `${prefix}:worker:${id}`;
/** Run ids to stop, published by servers, heard by every worker. */
export const cancelChannel = (prefix: string) => `${prefix}:runs:cancel`;

/** The BullMQ queue of mail jobs (`mail.*`), filled by servers, drained by workers. */
export const MAIL_QUEUE = 'mail';
/** The record that the email with this idempotency key went out (scaled shape). */
export const mailSentKey = (prefix: string, key: string) => `${prefix}:mail:sent:${key}`;
