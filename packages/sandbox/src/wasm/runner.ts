import type { RunMessage } from './messages.js';

/**
 * One program to run in an interpreter loaded by this worker: the run message
 * as it arrived (the output cap stays with the sinks below), plus where its
 * output goes.
 */
export interface RunContext extends Omit<RunMessage, 'type' | 'outputBytes'> {
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
