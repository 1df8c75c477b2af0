import type { SourceFile } from '../types.js';

/** One program to run in an interpreter loaded by this worker. */
export interface RunContext {
  source: string;
  filename: string;
  /** Source map `mappings` from `source` back to the program as written, for stack traces. */
  sourceMap?: string;
  /** Other files of the workspace, placed beside the source. */
  files: SourceFile[];
  stdin: string;
  timeMs: number;
  memoryBytes: number;
  /**
   * Program output; returns the bytes accepted. Throws `OutputLimitError` past
   * the cap: the run is already reported by then, and the worker is about to
   * be terminated.
   */
  stdout(bytes: Uint8Array): number;
  stderr(bytes: Uint8Array): number;
}

export type RunEnd =
  | { kind: 'exited'; exitCode: number }
  | { kind: 'time_limit' }
  | { kind: 'memory_limit' }
  | { kind: 'output_limit' }
  | { kind: 'crashed'; error: string };

/** An interpreter loaded in a worker; `run` is called at most once. */
export interface Runner {
  version: string;
  run(ctx: RunContext): RunEnd | Promise<RunEnd>;
  /** Memory held by the interpreter at the end of the run. */
  memoryKb(): number;
}

export class OutputLimitError extends Error {
  constructor() {
    super('output limit reached');
  }
}
