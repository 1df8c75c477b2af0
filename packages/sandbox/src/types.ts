/**
 * The sandbox's contract. Backends (bubblewrap, WebAssembly) implement
 * `SandboxBackend`; `createSandbox` picks one; `execute` and `judge` (built on
 * any backend) turn steps into verdicts. Every backend passes the same
 * contract suite.
 */
import type { CaseView, FunctionHarness, StepView, Verdict } from '@tandem/protocol';

export interface Limits {
  /** CPU time of all processes of the step together. */
  cpuMs: number;
  wallMs: number;
  /** Memory of all processes of the step together (cgroup), in bytes. */
  memoryBytes: number;
  /** Processes and threads of the step together. */
  processes: number;
  /** Per stream (stdout, stderr); beyond it the step is killed with `output_limit`. */
  outputBytes: number;
  /** Largest file the program may write. */
  fileSizeBytes: number;
  /** Size of the writable scratch space (work dir and /tmp together). */
  scratchBytes: number;
  openFiles: number;
}

const MiB = 1024 * 1024;

export const DEFAULT_RUN_LIMITS: Readonly<Limits> = Object.freeze({
  cpuMs: 5_000,
  wallMs: 10_000,
  memoryBytes: 256 * MiB,
  processes: 64,
  outputBytes: 64 * 1024,
  fileSizeBytes: 8 * MiB,
  scratchBytes: 64 * MiB,
  openFiles: 64,
});

export const DEFAULT_COMPILE_LIMITS: Readonly<Limits> = Object.freeze({
  ...DEFAULT_RUN_LIMITS,
  cpuMs: 10_000,
  wallMs: 20_000,
  memoryBytes: 512 * MiB,
});

/** How one step ended, before it is turned into a verdict. */
export type StepOutcome =
  | 'exited' // exit code in `exitCode` (0 or not)
  | 'signalled' // killed by a signal it did not get from us (e.g. SIGSEGV)
  | 'time_limit' // CPU or wall limit reached; we killed it
  | 'memory_limit'
  | 'output_limit'
  | 'cancelled' // the request's AbortSignal fired; we killed it
  | 'internal_error'; // the sandbox itself failed; `error` says why

export interface StepResult extends StepView {
  outcome: StepOutcome;
  /** For `internal_error`: what went wrong, for logs (never shown raw to candidates). */
  error?: string;
}

export interface SourceFile {
  /** A plain relative name (no `/`, no `..`, no NUL), e.g. `Main.java`. */
  name: string;
  content: string;
}

/** One language as the registry describes it; backends decide which they can run. */
export interface LanguageSpec {
  id: string;
  label: string;
  /** Editor highlighting id. */
  editor: string;
  sourceFile: string;
  /** argv for compiling, run in the work dir; absent for interpreted languages. */
  compile?: string[];
  run: string[];
  /** argv printing the version (first line of stdout or stderr is used). */
  version: string[];
  /** Binaries that must exist on the host for this language to be offered. */
  requires: string[];
  /**
   * Host paths to mount read-only in the box besides the base system (e.g. a
   * JVM): a path mounts at the same place, a pair at a fixed place in the box
   * (for tools found in the checkout, which may live anywhere, even under /tmp).
   */
  mounts?: (string | { source: string; target: string })[];
  /** Extra environment variables inside the box (allowlist; nothing else passes). */
  env?: Record<string, string>;
  limits?: Partial<Limits>;
  compileLimits?: Partial<Limits>;
  /**
   * Runtimes with their own heap cap (the JVM) fail with an error before the
   * cgroup limit is reached: a failed run whose stderr contains this text is
   * reported as `memory_limit`, not `runtime_error`.
   */
  memoryErrorMarker?: string;
  template: string;
}

export interface StepRequest {
  /** The language being run, for mounts and environment. */
  language: LanguageSpec;
  argv: string[];
  /** Files to place in a fresh work dir before the step (a compile step's sources). */
  files: SourceFile[];
  /**
   * Work dir to reuse from a previous step of the same job (compile → runs). The
   * backend owns it; callers pass back what `prepare` returned.
   */
  workspace: Workspace;
  stdin: string;
  limits: Limits;
  /**
   * Compile steps write their output into the work dir. Run steps see it
   * read-only (the default), so one test case cannot leave anything behind for
   * the next (e.g. a hidden case's input for a visible case to print).
   */
  writableWorkDir?: boolean;
  signal?: AbortSignal;
}

/** A job's private folder (and whatever else a backend keeps per job). */
export interface Workspace {
  readonly id: string;
  dispose(): Promise<void>;
}

export interface SandboxBackend {
  readonly name: 'bubblewrap' | 'wasm';
  /** Why this backend cannot run here, or null when it can (checked once). */
  unavailableReason(): Promise<string | null>;
  /** Which registry languages this backend can run here, with their versions. */
  supports(language: LanguageSpec): Promise<{ version: string } | null>;
  prepare(files: SourceFile[]): Promise<Workspace>;
  step(request: StepRequest): Promise<StepResult>;
  /** Releases what the backend keeps between jobs (worker threads, ...). */
  close?(): Promise<void>;
}

export interface ExecuteRequest {
  language: string;
  source: string;
  stdin: string;
  limits?: Partial<Limits>;
  signal?: AbortSignal;
}

export interface ExecuteResult {
  verdict: Verdict;
  compile: StepResult | null;
  result: StepResult | null;
}

export interface JudgeRequest {
  language: string;
  source: string;
  /**
   * For a function problem (`harness` set), `stdin` is the case's arguments as
   * a JSON array and `expected` the returned value as JSON.
   */
  cases: { stdin: string; expected: string; hidden: boolean }[];
  /** Judge a function: the source is only the candidate's function; a driver calls it. */
  harness?: FunctionHarness | null;
  limits?: Partial<Limits>;
  signal?: AbortSignal;
  onCase?: (result: CaseView) => void;
}

export interface JudgeResult {
  verdict: Verdict;
  compile: StepResult | null;
  cases: CaseView[];
  summary: { passed: number; total: number };
}
