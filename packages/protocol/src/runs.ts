import { z } from 'zod';
import type { FunctionSignature, ReturnComparison } from './signature.js';

/** Limits on what a run request may carry; the server enforces them with 400s naming the field. */
export const MAX_SOURCE_BYTES = 256 * 1024;
export const MAX_STDIN_BYTES = 1024 * 1024;

/** A runnable language id, e.g. `python`, `cpp`. Which ones exist is a server fact: `GET /api/languages`. */
export const RunLanguageIdSchema = z.string().regex(/^[a-z][a-z0-9+-]{0,31}$/, 'not a language id');

const utf8Length = (s: string) => new TextEncoder().encode(s).byteLength;

export const RunRequestSchema = z.object({
  language: RunLanguageIdSchema,
  source: z
    .string()
    .refine(
      (s) => utf8Length(s) <= MAX_SOURCE_BYTES,
      `the source must be at most ${MAX_SOURCE_BYTES / 1024} KiB`,
    ),
  stdin: z
    .string()
    .refine(
      (s) => utf8Length(s) <= MAX_STDIN_BYTES,
      `stdin must be at most ${MAX_STDIN_BYTES / 1024} KiB`,
    )
    .default(''),
  /** Judge against this problem's test cases instead of running once with stdin. */
  problemId: z
    .string()
    .regex(/^[a-z0-9-]{1,64}$/, 'not a problem id')
    .optional(),
});
export type RunRequest = z.input<typeof RunRequestSchema>;

export const VERDICTS = [
  'ok', // ran to completion with exit code 0 (plain runs)
  'accepted', // every test case passed (judged runs), or this case passed
  'wrong_answer',
  'compile_error',
  'runtime_error', // non-zero exit or killed by a signal
  'time_limit',
  'memory_limit',
  'output_limit',
  'internal_error', // the sandbox failed; not the program's fault
  'cancelled',
] as const;
export type Verdict = (typeof VERDICTS)[number];

export type RunStatus = 'queued' | 'running' | 'finished';

/** One program execution inside the sandbox (a compile step or a run). */
export interface StepView {
  stdout: string;
  stderr: string;
  stdoutTruncated: boolean;
  stderrTruncated: boolean;
  exitCode: number | null;
  signal: string | null;
  wallMs: number;
  cpuMs: number;
  memoryKb: number;
}

/** A test case's outcome. Hidden cases carry only their verdict and figures. */
export interface CaseView {
  index: number;
  hidden: boolean;
  verdict: Verdict;
  wallMs: number;
  cpuMs: number;
  memoryKb: number;
  /** Present for visible cases only. */
  stdin?: string;
  expected?: string;
  stdout?: string;
  stderr?: string;
}

/** What everyone in the room sees of a run, from queued to finished. */
export interface RunView {
  id: string;
  roomId: string | null;
  language: string;
  problemId: string | null;
  status: RunStatus;
  /** 1-based place in the queue while queued. */
  queuePosition: number | null;
  verdict: Verdict | null;
  backend: 'bubblewrap' | 'wasm' | null;
  compile: StepView | null;
  /** Plain runs: the single execution. */
  result: StepView | null;
  /** Judged runs: one entry per case. */
  cases: CaseView[] | null;
  summary: { passed: number; total: number } | null;
  /** Display name of who pressed Run. */
  requestedBy: string;
  createdAt: string;
  finishedAt: string | null;
}

/** A language that really runs on this server. */
export interface RunLanguage {
  id: string;
  label: string;
  /** The toolchain's version as it reports it, e.g. `Python 3.11.2`. */
  version: string;
  backend: 'bubblewrap' | 'wasm';
  /** Editor highlighting to use (one of EDITOR_LANGUAGES when known). */
  editor: string;
  template: string;
}

export interface ProblemSummary {
  id: string;
  title: string;
  difficulty: 'easy' | 'medium' | 'hard';
  /** The pattern it practises, e.g. `two pointers`. */
  pattern: string;
}

/** What anyone may see of a problem: hidden cases are only counted. */
export interface ProblemView extends ProblemSummary {
  /** Markdown. */
  statement: string;
  /** The stdin/stdout cases' visible examples (none for a function-only problem). */
  examples: { stdin: string; expected: string }[];
  hiddenCaseCount: number;
  /** Set when the problem is (also) judged by calling a function. */
  function: FunctionProblemView | null;
  limits: { cpuMs: number; wallMs: number; memoryBytes: number };
}

/**
 * A function-signature problem: the candidate writes the function, a driver
 * calls it once per case. Languages with a starter here are judged this way;
 * others by the stdin/stdout cases, if the problem has them.
 */
export interface FunctionProblemView {
  signature: FunctionSignature;
  comparison: ReturnComparison;
  /** The stub to start from, by language id. */
  starters: Record<string, string>;
  /** Visible cases: the arguments by name (`nums = [2,7]`, one a line) and the returned JSON. */
  examples: { arguments: string; expected: string }[];
  hiddenCaseCount: number;
}
