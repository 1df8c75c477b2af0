/**
 * Backend-independent steps of a job: merging limits, the compile step, and
 * turning a step's outcome into a verdict. `execute` and `judge` are built on
 * these.
 */
import type { Verdict } from '@tandem/protocol';
import { SOURCE_DIR } from './languages.js';
import {
  DEFAULT_COMPILE_LIMITS,
  DEFAULT_RUN_LIMITS,
  type LanguageSpec,
  type Limits,
  type SandboxBackend,
  type StepResult,
  type Workspace,
} from './types.js';

/** Run limits: the defaults, then the language's, then the request's (e.g. a problem's). */
export function runLimits(language: LanguageSpec, overrides?: Partial<Limits>): Limits {
  return { ...DEFAULT_RUN_LIMITS, ...language.limits, ...overrides };
}

export function compileLimits(language: LanguageSpec): Limits {
  return { ...DEFAULT_COMPILE_LIMITS, ...language.compileLimits };
}

/** The verdict of a plain run step (`ok` when it exited with 0). */
export function stepVerdict(step: StepResult, language: LanguageSpec): Verdict {
  switch (step.outcome) {
    case 'exited':
      if (step.exitCode === 0) return 'ok';
      return language.memoryErrorMarker && step.stderr.includes(language.memoryErrorMarker)
        ? 'memory_limit'
        : 'runtime_error';
    case 'signalled':
      return 'runtime_error';
    case 'time_limit':
    case 'memory_limit':
    case 'output_limit':
    case 'cancelled':
    case 'internal_error':
      return step.outcome;
  }
}

export interface Compiled {
  /** The compile step, or null for interpreted languages. */
  step: StepResult | null;
  /** Set when the job must stop here: `compile_error`, `cancelled` or `internal_error`. */
  failed: Verdict | null;
}

/**
 * Compiles the job's sources in its workspace, if the language has a compile
 * step; `alsoCompile` are further source files to give the compiler (a
 * function problem's driver).
 */
export async function compile(
  backend: SandboxBackend,
  language: LanguageSpec,
  workspace: Workspace,
  signal?: AbortSignal,
  alsoCompile: string[] = [],
): Promise<Compiled> {
  if (!language.compile) return { step: null, failed: null };
  const step = await backend.step({
    language,
    argv: [...language.compile, ...alsoCompile.map((name) => `${SOURCE_DIR}/${name}`)],
    files: [],
    workspace,
    stdin: '',
    limits: compileLimits(language),
    writableWorkDir: true,
    signal,
  });
  if (step.outcome === 'exited' && step.exitCode === 0) return { step, failed: null };
  if (step.outcome === 'cancelled' || step.outcome === 'internal_error') {
    return { step, failed: step.outcome };
  }
  return { step, failed: 'compile_error' };
}
