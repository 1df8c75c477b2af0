/**
 * A judged run: compile once, run every test case in turn, compare outputs.
 * Hidden cases are redacted here, at the source: their views carry only the
 * index, the verdict and the figures, never the input, expected output or
 * what the program printed.
 */
import type { CaseView, Verdict } from '@tandem/protocol';
import { outputsMatch } from './compare.js';
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
  const workspace = await backend.prepare([{ name: language.sourceFile, content: request.source }]);
  try {
    const compiled = await compile(backend, language, workspace, request.signal);
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
      const view = caseView(index, testCase, step, caseVerdict(step, language, testCase.expected));
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

function caseVerdict(step: StepResult, language: LanguageSpec, expected: string): Verdict {
  const verdict = stepVerdict(step, language);
  if (verdict !== 'ok') return verdict;
  return outputsMatch(step.stdout, expected) ? 'accepted' : 'wrong_answer';
}

/** Accepted when every case passed; otherwise the verdict of the first case that did not. */
function overallVerdict(cases: CaseView[], total: number, signal?: AbortSignal): Verdict {
  const failed = cases.find((view) => view.verdict !== 'accepted');
  if (failed) return failed.verdict;
  if (cases.length < total || signal?.aborted) return 'cancelled';
  return 'accepted';
}

export function caseView(
  index: number,
  testCase: JudgeRequest['cases'][number],
  step: StepResult,
  verdict: Verdict,
): CaseView {
  const figures = { wallMs: step.wallMs, cpuMs: step.cpuMs, memoryKb: step.memoryKb };
  if (testCase.hidden) return { index, hidden: true, verdict, ...figures };
  return {
    index,
    hidden: false,
    verdict,
    ...figures,
    stdin: testCase.stdin,
    expected: testCase.expected,
    stdout: step.stdout,
    stderr: step.stderr,
  };
}
