import type { ResourceLimits } from 'node:worker_threads';
import { Worker } from 'node:worker_threads';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import type { Interpreter, RunMessage, RunReport, WorkerInit, WorkerMessage } from './messages.js';
import type { LoadGate } from './load-gate.js';
import { INTERPRETER_LOADS } from './load-gate.js';
import { OutputText } from './output.js';

/**
 * The worker entry beside this file: `worker.js` from `dist/`. From the
 * TypeScript source (vitest, tsx) a two-line bootstrap registers tsx's loader
 * in the worker, then imports `worker.ts` (Node 20 ignores `--import` in a
 * worker's execArgv).
 */
function workerEntry(): { entry: string | URL; eval: boolean } {
  if (!import.meta.url.endsWith('.ts'))
    return { entry: new URL('./worker.js', import.meta.url), eval: false };
  const tsxApi = createRequire(import.meta.url)
    .resolve('tsx/esm/api')
    .replace(/index\.cjs$/, 'index.mjs');
  const worker = new URL('./worker.ts', import.meta.url).href;
  const entry = `import(${JSON.stringify(pathToFileURL(tsxApi).href)})
    .then((tsx) => { tsx.register(); return import(${JSON.stringify(worker)}); });`;
  return { entry, eval: true };
}
const ENTRY = workerEntry();

/**
 * Loading Pyodide takes 1–3 s on an idle core. Counted from when the load
 * starts (not from the request: loads wait for a slot), so this only catches
 * a worker that never comes up.
 */
export const LOAD_TIMEOUT_MS = 60_000;
/** QuickJS stops itself at the limit; the host kills a moment later if it did not (Python always). */
const KILL_GRACE_MS = 50;

const MiB = 1024 * 1024;

/**
 * V8 limits of a step's worker. The program's own data lives in WebAssembly
 * memory (capped by each interpreter at `memoryBytes`); the JS heap holds the
 * interpreter's glue, so it gets a share of the limit with a floor that lets
 * Pyodide load.
 */
export function resourceLimitsFor(memoryBytes: number): ResourceLimits {
  const mb = Math.ceil(memoryBytes / MiB);
  return {
    maxOldGenerationSizeMb: Math.min(256, Math.max(96, Math.ceil(mb / 2))),
    maxYoungGenerationSizeMb: 16,
    stackSizeMb: 4,
  };
}

export interface HostedRun {
  report: RunReport;
  stdout: string;
  stderr: string;
  stdoutTruncated: boolean;
  stderrTruncated: boolean;
  wallMs: number;
}

/**
 * One worker thread with one interpreter. It loads as soon as the load gate
 * lets it (the load timeout starts then), runs one program, and is
 * terminated: never reused.
 */
export class InterpreterWorker {
  readonly ready: Promise<string>;
  private worker: Worker | null = null;
  private taken = false;
  private terminated = false;
  private loaded = false;
  private unref = false;
  private failure: Error | null = null;
  private onMessage: ((message: WorkerMessage) => void) | null = null;
  private onEnd: ((reason: { code?: string; message: string }) => void) | null = null;

  constructor(
    readonly interpreter: Interpreter,
    readonly resourceLimits: ResourceLimits,
    gate: LoadGate = INTERPRETER_LOADS[interpreter],
  ) {
    this.ready = gate.run(() => this.load());
    // A spare that fails before anyone takes it reports when taken.
    this.ready.catch(() => {});
  }

  /** Whether it can still be handed a program. */
  get usable(): boolean {
    return !this.taken && !this.terminated && this.failure === null;
  }

  /** Terminated (by `terminate`) before its interpreter finished loading. */
  get endedBeforeLoad(): boolean {
    return this.terminated && !this.loaded;
  }

  /** Lets the process exit while this worker waits unused in a pool. */
  idle(idle: boolean): void {
    this.unref = idle;
    if (idle) this.worker?.unref();
    else this.worker?.ref();
  }

  terminate(): void {
    this.terminated = true;
    void this.worker?.terminate();
  }

  private load(): Promise<string> {
    const { interpreter } = this;
    if (this.terminated) {
      this.failure = new Error(`the ${interpreter} worker was ended before it loaded`);
      return Promise.reject(this.failure);
    }
    const init: WorkerInit = { interpreter };
    const worker = new Worker(ENTRY.entry, {
      eval: ENTRY.eval,
      workerData: init,
      resourceLimits: this.resourceLimits,
      // No copy of the host's environment (secrets) in the worker's process.env.
      env: {},
      stdout: true,
      stderr: true,
    });
    this.worker = worker;
    if (this.unref) worker.unref();
    // Whatever the interpreter's glue prints is not the program's output.
    worker.stdout.resume();
    worker.stderr.resume();
    return new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.failure ??= new Error(
          `the ${interpreter} interpreter did not load within ${LOAD_TIMEOUT_MS} ms`,
        );
        reject(this.failure);
        void worker.terminate();
      }, LOAD_TIMEOUT_MS);
      timer.unref();
      worker.on('message', (message: WorkerMessage) => {
        if (message.type === 'ready') {
          clearTimeout(timer);
          this.loaded = true;
          resolve(message.version);
        } else this.onMessage?.(message);
      });
      worker.on('error', (err: Error & { code?: string }) => {
        clearTimeout(timer);
        this.failure ??= err;
        reject(err);
        this.onEnd?.({ message: err.message, ...(err.code ? { code: err.code } : {}) });
      });
      worker.on('exit', (code) => {
        clearTimeout(timer);
        this.failure ??= new Error(`the ${interpreter} worker exited with code ${code}`);
        reject(this.failure);
        this.onEnd?.({ message: this.failure.message });
      });
    });
  }

  /** Runs one program; always resolves, with `internal_error` when the sandbox failed. */
  async run(message: RunMessage, signal?: AbortSignal): Promise<HostedRun> {
    if (this.taken) throw new Error('a sandbox worker runs one program only');
    this.taken = true;
    this.idle(false);
    const stdout = new OutputText();
    const stderr = new OutputText();
    const truncated = { 1: false, 2: false };
    let startedAt: number | null = null;
    let timer: NodeJS.Timeout | undefined;

    const finished = new Promise<{ report: RunReport; endedAt: number }>((resolve) => {
      let ended = false;
      const end = (report: RunReport) => {
        if (ended) return;
        ended = true;
        clearTimeout(timer);
        signal?.removeEventListener('abort', abort);
        resolve({ report, endedAt: performance.now() });
        this.terminate();
      };
      const elapsed = () => (startedAt === null ? 0 : Math.round(performance.now() - startedAt));
      const killed = (outcome: RunReport['outcome'], error?: string): RunReport => ({
        outcome,
        exitCode: null,
        cpuMs: elapsed(),
        memoryKb: 0,
        ...(error ? { error } : {}),
      });
      const abort = () => end(killed('cancelled'));
      if (signal?.aborted) return abort();
      signal?.addEventListener('abort', abort, { once: true });

      this.onMessage = (m) => {
        if (m.type === 'started') {
          startedAt = performance.now();
          timer = setTimeout(() => end(killed('time_limit')), message.timeMs + KILL_GRACE_MS);
        } else if (m.type === 'output') {
          (m.fd === 1 ? stdout : stderr).push(m.bytes);
          if (m.truncated) truncated[m.fd] = true;
        } else if (m.type === 'done') {
          end(m.report);
        }
      };
      this.onEnd = (reason) => {
        if (reason.code === 'ERR_WORKER_OUT_OF_MEMORY') return end(killed('memory_limit'));
        end(killed('internal_error', reason.message));
      };
      // Posted once loaded: a step waiting for a load slot has no worker yet.
      void this.ready.then(
        () => {
          if (!ended) this.worker?.postMessage(message);
        },
        (err: Error) => this.onEnd?.({ message: err.message }),
      );
    });

    const { report, endedAt } = await finished;
    return {
      report,
      stdout: stdout.text(),
      stderr: stderr.text(),
      stdoutTruncated: truncated[1],
      stderrTruncated: truncated[2],
      wallMs: startedAt === null ? 0 : Math.round(endedAt - startedAt),
    };
  }
}
