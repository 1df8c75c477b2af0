import { availableParallelism } from 'node:os';
import type { Interpreter } from './messages.js';

/**
 * Lets at most `limit` interpreter loads run at a time; the rest wait in
 * order. Loading Pyodide is a second or more of CPU: seven loads started
 * together on two cores each take seven times as long, and all of them
 * together can outlast a load timeout that a queued load would have met.
 */
export class LoadGate {
  private active = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(readonly limit: number) {
    if (!(limit >= 1)) throw new Error(`a load gate needs at least one slot, not ${limit}`);
  }

  /** Runs `load` once a slot is free; the slot is held until its promise settles. */
  async run<T>(load: () => Promise<T>): Promise<T> {
    if (this.active >= this.limit) {
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    } else {
      this.active += 1;
    }
    try {
      return await load();
    } finally {
      const next = this.waiting.shift();
      // The slot passes straight to the next load in line.
      if (next) next();
      else this.active -= 1;
    }
  }

  /** Loads running and waiting, for tests and logs. */
  get pending(): { active: number; waiting: number } {
    return { active: this.active, waiting: this.waiting.length };
  }
}

/**
 * One gate per interpreter and process: every backend's loads share the same
 * cores. QuickJS loads in tens of milliseconds, so it has a gate of its own
 * rather than a place in line behind Pyodide's.
 */
export const INTERPRETER_LOADS: Readonly<Record<Interpreter, LoadGate>> = Object.freeze({
  python: new LoadGate(availableParallelism()),
  javascript: new LoadGate(availableParallelism()),
});
