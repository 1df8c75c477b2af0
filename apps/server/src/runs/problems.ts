import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import {
  caseError,
  describeArguments,
  harnessFor,
  signatureError,
  starters,
} from '@tandem/harness';
import {
  FunctionSignatureSchema,
  ReturnComparisonSchema,
  type ProblemSummary,
  type ProblemView,
  type RunJob,
} from '@tandem/protocol';

const CaseSchema = z.object({
  stdin: z.string(),
  expected: z.string(),
  hidden: z.boolean().default(false),
});

/** A function problem: the signature, how returns compare, and cases as JSON values. */
const FunctionSchema = z
  .object({
    signature: FunctionSignatureSchema,
    comparison: ReturnComparisonSchema.prefault({}),
    cases: z
      .array(
        z.object({
          args: z.array(z.unknown()),
          expected: z.unknown(),
          hidden: z.boolean().default(false),
        }),
      )
      .min(1),
  })
  .superRefine((fn, ctx) => {
    const unusable = signatureError(fn.signature);
    if (unusable) ctx.addIssue({ code: 'custom', path: ['signature'], message: unusable });
    fn.cases.forEach((c, i) => {
      const error = caseError(fn.signature, c.args, c.expected);
      if (error) ctx.addIssue({ code: 'custom', path: ['cases', i], message: error });
    });
  });

/** A problem file: `problems/<id>.json`. Validated at load; a bad file stops the boot, naming it. */
export const ProblemSchema = z
  .object({
    id: z.string().regex(/^[a-z0-9-]{1,64}$/),
    title: z.string().min(1),
    difficulty: z.enum(['easy', 'medium', 'hard']),
    pattern: z.string().min(1),
    statement: z.string().min(1),
    limits: z
      .object({
        cpuMs: z.number().int().min(100).max(60_000).optional(),
        wallMs: z.number().int().min(100).max(120_000).optional(),
        memoryBytes: z
          .number()
          .int()
          .min(16 * 1024 * 1024)
          .max(4 * 1024 ** 3)
          .optional(),
      })
      .default({}),
    /** stdin/stdout cases: for every language, or for those without a function harness. */
    cases: z.array(CaseSchema).default([]),
    function: FunctionSchema.optional(),
    /**
     * The hint ladder, gentlest first. Interviewers reveal them one at a time;
     * never part of the public view, so candidates see only revealed ones.
     */
    hints: z.array(z.string().min(1)).default([]),
  })
  .refine((p) => p.cases.length > 0 || p.function, {
    message: 'a problem needs stdin/stdout cases, a function with cases, or both',
    path: ['cases'],
  });
export type Problem = z.infer<typeof ProblemSchema>;

const DEFAULT_LIMITS = { cpuMs: 5_000, wallMs: 10_000, memoryBytes: 256 * 1024 * 1024 };

export function defaultProblemsDir(): string {
  return path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../../problems');
}

export class ProblemCatalog {
  private constructor(private readonly problems: Map<string, Problem>) {}

  static async load(dir: string): Promise<ProblemCatalog> {
    const files = (await readdir(dir)).filter((f) => f.endsWith('.json')).sort();
    const problems = new Map<string, Problem>();
    for (const file of files) {
      let parsed: Problem;
      try {
        parsed = ProblemSchema.parse(JSON.parse(await readFile(path.join(dir, file), 'utf8')));
      } catch (err) {
        const where = path.join(dir, file);
        throw new Error(`Problem file ${where} is invalid: ${(err as Error).message}`, {
          cause: err,
        });
      }
      if (`${parsed.id}.json` !== file)
        throw new Error(`Problem file ${file} must be named ${parsed.id}.json`);
      problems.set(parsed.id, parsed);
    }
    return new ProblemCatalog(problems);
  }

  get(id: string): Problem | undefined {
    return this.problems.get(id);
  }

  list(): ProblemSummary[] {
    return [...this.problems.values()].map(({ id, title, difficulty, pattern }) => ({
      id,
      title,
      difficulty,
      pattern,
    }));
  }

  /** The public view: visible cases as examples, hidden ones only counted. */
  view(problem: Problem): ProblemView {
    const { id, title, difficulty, pattern, statement } = problem;
    const fn = problem.function;
    return {
      id,
      title,
      difficulty,
      pattern,
      statement,
      examples: problem.cases
        .filter((c) => !c.hidden)
        .map(({ stdin, expected }) => ({ stdin, expected })),
      hiddenCaseCount: problem.cases.filter((c) => c.hidden).length,
      function: fn
        ? {
            signature: fn.signature,
            comparison: fn.comparison,
            starters: starters(fn.signature),
            examples: fn.cases
              .filter((c) => !c.hidden)
              .map((c) => ({
                arguments: describeArguments(fn.signature, JSON.stringify(c.args)),
                expected: JSON.stringify(c.expected),
              })),
            hiddenCaseCount: fn.cases.filter((c) => c.hidden).length,
          }
        : null,
      limits: { ...DEFAULT_LIMITS, ...problem.limits },
    };
  }

  /**
   * How a run in `language` is judged: by calling the function where the
   * problem has one and the language a harness, else by the stdin/stdout
   * cases; null when the problem has neither for this language.
   */
  judging(problem: Problem, language: string): Pick<RunJob, 'cases' | 'harness'> | null {
    const fn = problem.function;
    if (fn && harnessFor(language)) {
      return {
        cases: fn.cases.map((c) => ({
          stdin: JSON.stringify(c.args),
          expected: JSON.stringify(c.expected),
          hidden: c.hidden,
        })),
        harness: { signature: fn.signature, comparison: fn.comparison },
      };
    }
    return problem.cases.length > 0 ? { cases: problem.cases, harness: null } : null;
  }
}
