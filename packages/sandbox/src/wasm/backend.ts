import { randomUUID } from 'node:crypto';
import type { ResourceLimits } from 'node:worker_threads';
import type {
  LanguageSpec,
  SandboxBackend,
  SourceFile,
  StepRequest,
  StepResult,
  Workspace,
} from '../types.js';
import { DEFAULT_RUN_LIMITS } from '../types.js';
import type { HostedRun } from './host.js';
import { InterpreterWorker, resourceLimitsFor } from './host.js';
import type { Interpreter } from './messages.js';
import type { Stripped } from './typescript.js';
import { lowerJavaScript, stripTypes } from './typescript.js';

/** Registry ids this backend runs, and the interpreter each runs in. */
const INTERPRETERS: Record<string, Interpreter> = {
  python: 'python',
  javascript: 'javascript',
  typescript: 'javascript',
};

export interface WasmBackendOptions {
  /**
   * Keep one loaded worker per interpreter ready for the next step (default
   * true): Pyodide takes 1–3 s to load. Each worker still runs one program
   * only. The spare has the limits of the last step; a step with other memory
   * limits gets a worker of its own.
   */
  warm?: boolean;
}

/**
 * The WebAssembly fallback where bubblewrap is missing: Python in Pyodide,
 * JavaScript in QuickJS, TypeScript stripped by esbuild then QuickJS. Each
 * step runs in a fresh worker thread with V8 heap limits, the interpreter's
 * own memory cap, a time limit enforced inside the interpreter and by
 * terminating the thread, and capped output. No host file system, network or
 * process is reachable from the program.
 *
 * CPU time is not measured apart from wall time: the interpreters run one
 * program synchronously on one thread, so the step is stopped at
 * min(cpuMs, wallMs) of running time, and `cpuMs` reports the time that
 * thread was busy with it (an upper bound of its CPU time).
 */
export class WasmBackend implements SandboxBackend {
  readonly name = 'wasm' as const;
  private readonly warm: boolean;
  /** At most one loaded, unused worker per interpreter. */
  private readonly spares = new Map<Interpreter, InterpreterWorker>();
  private readonly versions = new Map<Interpreter, Promise<string>>();
  private closed = false;

  constructor(options: WasmBackendOptions = {}) {
    this.warm = options.warm ?? true;
  }

  async unavailableReason(): Promise<string | null> {
    try {
      await Promise.all([this.version('python'), this.version('javascript')]);
      return null;
    } catch (err) {
      return `the WebAssembly interpreters do not load: ${err instanceof Error ? err.message : String(err)}`;
    }
  }

  async supports(language: LanguageSpec): Promise<{ version: string } | null> {
    const interpreter = INTERPRETERS[language.id];
    if (!interpreter) return null;
    try {
      return { version: await this.version(interpreter) };
    } catch {
      return null;
    }
  }

  async prepare(files: SourceFile[]): Promise<Workspace> {
    for (const file of files) checkName(file.name);
    return new MemoryWorkspace(files);
  }

  async step(request: StepRequest): Promise<StepResult> {
    const { language, limits } = request;
    const interpreter = INTERPRETERS[language.id];
    const workspace = request.workspace;
    if (!interpreter || !(workspace instanceof MemoryWorkspace)) {
      return failed(`the wasm backend cannot run ${language.id} in this workspace`);
    }
    for (const file of request.files) {
      checkName(file.name);
      workspace.files.set(file.name, file.content);
    }
    const source = workspace.files.get(language.sourceFile);
    if (source === undefined) return failed(`${language.sourceFile} is missing from the workspace`);

    const compiling = language.compile !== undefined && sameArgv(request.argv, language.compile);
    let program: { code: string; sourceMap?: string } = { code: source };
    if (language.id === 'typescript') {
      const stripped = workspace.compiled ?? (await stripTypes(source, language.sourceFile));
      workspace.compiled = stripped;
      if (compiling || !stripped.ok) {
        return stripped.ok ? exited(0, '') : exited(1, stripped.diagnostics);
      }
      program = stripped;
    } else if (compiling) {
      return exited(0, '');
    } else if (interpreter === 'javascript') {
      workspace.lowered ??= await lowerJavaScript(source, language.sourceFile);
      program = workspace.lowered;
    }
    if (request.signal?.aborted) return { ...empty(), outcome: 'cancelled' };

    const worker = this.take(interpreter, limits.memoryBytes);
    const hosted = await worker.run(
      {
        type: 'run',
        source: program.code,
        ...(program.sourceMap === undefined ? {} : { sourceMap: program.sourceMap }),
        filename: language.sourceFile,
        files: [...workspace.files]
          .filter(([name]) => name !== language.sourceFile)
          .map(([name, content]) => ({ name, content })),
        stdin: request.stdin,
        timeMs: Math.min(limits.cpuMs, limits.wallMs),
        memoryBytes: limits.memoryBytes,
        outputBytes: limits.outputBytes,
      },
      request.signal,
    );
    return toStepResult(hosted);
  }

  /** Ends the spare workers; steps already running finish. */
  async close(): Promise<void> {
    this.closed = true;
    for (const spare of this.spares.values()) spare.terminate();
    this.spares.clear();
  }

  private version(interpreter: Interpreter): Promise<string> {
    let version = this.versions.get(interpreter);
    if (!version) {
      version = this.probe(interpreter);
      this.versions.set(interpreter, version);
      version.catch(() => this.versions.delete(interpreter));
    }
    return version;
  }

  /** Loads the spare (with the default limits unless one is there) and reads its version. */
  private async probe(interpreter: Interpreter): Promise<string> {
    for (;;) {
      const existing = this.spares.get(interpreter);
      const worker = existing?.usable
        ? existing
        : this.spare(interpreter, DEFAULT_RUN_LIMITS.memoryBytes);
      try {
        return await worker.ready;
      } catch (err) {
        // Replaced by a spare with other limits before it loaded: ask that one.
        if (!worker.endedBeforeLoad || this.closed) throw err;
      }
    }
  }

  /**
   * The spare if it fits the step (loaded or loading, never ran anything),
   * else a new worker; then a new spare behind it with the step's limits, so
   * back-to-back steps alike find one loaded.
   */
  private take(interpreter: Interpreter, memoryBytes: number): InterpreterWorker {
    const limits = resourceLimitsFor(memoryBytes);
    const spare = this.spares.get(interpreter);
    this.spares.delete(interpreter);
    let worker: InterpreterWorker;
    if (spare?.usable && sameLimits(spare.resourceLimits, limits)) {
      worker = spare;
    } else {
      spare?.terminate();
      worker = new InterpreterWorker(interpreter, limits);
    }
    if (this.warm) this.spare(interpreter, memoryBytes);
    return worker;
  }

  /** The one spare of an interpreter: the existing one while it fits, else a new one. */
  private spare(interpreter: Interpreter, memoryBytes: number): InterpreterWorker {
    const limits = resourceLimitsFor(memoryBytes);
    const existing = this.spares.get(interpreter);
    if (existing?.usable && sameLimits(existing.resourceLimits, limits)) return existing;
    existing?.terminate();
    const worker = new InterpreterWorker(interpreter, limits);
    worker.idle(true);
    if (this.closed) {
      worker.terminate();
      return worker;
    }
    this.spares.set(interpreter, worker);
    return worker;
  }
}

/** A job's files, in memory: each step copies them into a fresh interpreter. */
class MemoryWorkspace implements Workspace {
  readonly id = randomUUID();
  readonly files: Map<string, string>;
  /** TypeScript, stripped once for every step of the job. */
  compiled: Stripped | undefined;
  /** JavaScript as QuickJS runs it, lowered once for every step of the job. */
  lowered: { code: string; sourceMap?: string } | undefined;

  constructor(files: SourceFile[]) {
    this.files = new Map(files.map((file) => [file.name, file.content]));
  }

  async dispose(): Promise<void> {
    this.files.clear();
    this.compiled = undefined;
    this.lowered = undefined;
  }
}

/** Worker V8 limits depend on the memory limit, so a spare fits only steps with the same ones. */
function sameLimits(a: ResourceLimits, b: ResourceLimits): boolean {
  return (
    a.maxOldGenerationSizeMb === b.maxOldGenerationSizeMb &&
    a.maxYoungGenerationSizeMb === b.maxYoungGenerationSizeMb &&
    a.stackSizeMb === b.stackSizeMb
  );
}

function checkName(name: string): void {
  if (!name || name.includes('/') || name.includes('\0') || name === '.' || name === '..') {
    throw new Error(`invalid file name ${JSON.stringify(name)}`);
  }
}

function sameArgv(a: string[], b: string[]): boolean {
  return a.length === b.length && a.every((arg, i) => arg === b[i]);
}

function toStepResult(hosted: HostedRun): StepResult {
  const { report } = hosted;
  const result: StepResult = {
    outcome: report.outcome,
    stdout: hosted.stdout,
    stderr: hosted.stderr,
    stdoutTruncated: hosted.stdoutTruncated,
    stderrTruncated: hosted.stderrTruncated,
    exitCode: report.exitCode,
    signal: null,
    // The host sees messages in batches; the worker's clock is finer for short runs.
    wallMs: Math.max(hosted.wallMs, report.cpuMs),
    cpuMs: report.cpuMs,
    memoryKb: report.memoryKb,
  };
  if (report.error) result.error = report.error;
  return result;
}

function empty(): Omit<StepResult, 'outcome'> {
  return {
    stdout: '',
    stderr: '',
    stdoutTruncated: false,
    stderrTruncated: false,
    exitCode: null,
    signal: null,
    wallMs: 0,
    cpuMs: 0,
    memoryKb: 0,
  };
}

function exited(exitCode: number, stderr: string): StepResult {
  return { ...empty(), outcome: 'exited', exitCode, stderr };
}

function failed(error: string): StepResult {
  return { ...empty(), outcome: 'internal_error', error };
}
