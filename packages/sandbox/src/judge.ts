/**
 * A judged run: compile once, run every test case in turn, compare outputs
 * (or, for a function problem, the returned values the driver printed).
 * Hidden cases are redacted here, at the source: their views carry only the
 * index, the verdict and the figures, never the input, expected output or
 * what the program printed.
 */
import type { CaseView, Verdict } from '@tandem/protocol';
import { outputsMatch } from './compare.js';
import { functionCase, jobSources, type CaseOutcome } from './function-cases.js';
import { compile, runLimits, stepVerdict } from './steps.js';
import type {
  JudgeRequest,
  JudgeResult,
  LanguageSpec,
  SandboxBackend,
  StepResult,
} from './types.js';

export async function judge(
  backend: SandboxBackend,
  language: LanguageSpec,
  request: JudgeRequest,
): Promise<JudgeResult> {
  const total = request.cases.length;
  const sources = jobSources(language, request.source, request.harness);
  const workspace = await backend.prepare(sources.files);
  try {
    const compiled = await compile(
      backend,
      language,
      workspace,
      request.signal,
      sources.compileAlso,
    );
    if (compiled.failed) {
      return {
        verdict: compiled.failed,
        compile: compiled.step,
        cases: [],
        summary: { passed: 0, total },
      };
    }
    const limits = runLimits(language, request.limits);
    const cases: CaseView[] = [];
    for (const [index, testCase] of request.cases.entries()) {
      if (request.signal?.aborted) break;
      const step = await backend.step({
        language,
        argv: language.run,
        files: [],
        workspace,
        stdin: testCase.stdin,
        limits,
        signal: request.signal,
      });
      const outcome = request.harness
        ? functionCase(request.harness, language, testCase, step)
        : stdioCase(step, language, testCase);
      const view = caseView(index, testCase, step, outcome);
      cases.push(view);
      request.onCase?.(view);
    }
    const passed = cases.filter((view) => view.verdict === 'accepted').length;
    return {
      verdict: overallVerdict(cases, total, request.signal),
      compile: compiled.step,
      cases,
      summary: { passed, total },
    };
  } finally {
    await workspace.dispose();
  }
}

/** A stdin/stdout case: the output compared with the expected text. */
function stdioCase(
  step: StepResult,
  language: LanguageSpec,
  testCase: JudgeRequest['cases'][number],
): CaseOutcome {
  let verdict = stepVerdict(step, language);
  if (verdict === 'ok') {
    verdict = outputsMatch(step.stdout, testCase.expected) ? 'accepted' : 'wrong_answer';
  }
  const { stdin, expected } = testCase;
  return { verdict, shown: { stdin, expected, stdout: step.stdout, stderr: step.stderr } };
}

/** Accepted when every case passed; otherwise the verdict of the first case that did not. */
function overallVerdict(cases: CaseView[], total: number, signal?: AbortSignal): Verdict {
  const failed = cases.find((view) => view.verdict !== 'accepted');
  if (failed) return failed.verdict;
  if (cases.length < total || signal?.aborted) return 'cancelled';
  return 'accepted';
}

/** A case's view showing what the person reads of it, unless it is hidden. */
function caseView(
  index: number,
  testCase: JudgeRequest['cases'][number],
  step: StepResult,
  { verdict, shown }: CaseOutcome,
): CaseView {
  const figures = { wallMs: step.wallMs, cpuMs: step.cpuMs, memoryKb: step.memoryKb };
  if (testCase.hidden) return { index, hidden: true, verdict, ...figures };
  return { index, hidden: false, verdict, ...figures, ...shown };
}
