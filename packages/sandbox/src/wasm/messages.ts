/**
 * Messages between the host (the thread that owns the sandbox) and one step's
 * worker thread. A worker runs exactly one program, then is terminated.
 */
import type { SourceFile } from '../types.js';

/** The interpreters a worker can load: TypeScript arrives already stripped to JavaScript. */
export type Interpreter = 'python' | 'javascript';

export interface WorkerInit {
  interpreter: Interpreter;
}

export interface RunMessage {
  type: 'run';
  source: string;
  /** The source's name, e.g. `main.py`: shown in tracebacks and stack traces. */
  filename: string;
  /** Source map `mappings` from `source` back to the program as written (lowered JavaScript). */
  sourceMap?: string;
  /** Other files of the workspace, placed beside the source (Python's in-memory file system). */
  files: SourceFile[];
  stdin: string;
  /** Time the program may run once the interpreter is loaded: min(cpuMs, wallMs). */
  timeMs: number;
  memoryBytes: number;
  outputBytes: number;
}

export type RunOutcome =
  'exited' | 'time_limit' | 'memory_limit' | 'output_limit' | 'cancelled' | 'internal_error';

export interface RunReport {
  outcome: RunOutcome;
  exitCode: number | null;
  /** Time the interpreter thread was busy running the program. */
  cpuMs: number;
  memoryKb: number;
  error?: string;
}

export type WorkerMessage =
  | { type: 'ready'; version: string }
  | { type: 'started' }
  /** Output the program wrote, already cut at the stream's cap. */
  | { type: 'output'; fd: 1 | 2; bytes: Uint8Array; truncated: boolean }
  | { type: 'done'; report: RunReport };
