/**
 * Judging a function problem: the candidate's code wrapped in the language's
 * driver, and each case's verdict read from the value the driver printed.
 */
import type { FunctionHarness, Verdict } from '@tandem/protocol';
import {
  describeArguments,
  formatJson,
  harnessFor,
  judgeReturn,
  parseJson,
  parseType,
  type Wrapped,
} from '@tandem/harness';
import { SandboxError } from './sandbox-error.js';
import { stepVerdict } from './steps.js';
import type { LanguageSpec, StepResult } from './types.js';

/** The job's files: the source alone, or wrapped in the function harness's driver. */
export function jobSources(
  language: LanguageSpec,
  source: string,
  harness: FunctionHarness | null | undefined,
): Wrapped {
  if (!harness) return { files: [{ name: language.sourceFile, content: source }], compileAlso: [] };
  const languageHarness = harnessFor(language.id);
  if (!languageHarness) {
    throw new SandboxError(
      'SANDBOX_UNKNOWN_LANGUAGE',
      `${language.label} has no function harness: function problems cannot be judged in it`,
    );
  }
  return languageHarness.wrap(harness.signature, source, language.sourceFile);
}

/** A case's verdict and what a visible case shows of it. */
export interface CaseOutcome {
  verdict: Verdict;
  shown: { stdin: string; expected: string; stdout: string; stderr: string };
}

/** A function case: the arguments by name, the values as canonical JSON. */
export function functionCase(
  harness: FunctionHarness,
  language: LanguageSpec,
  testCase: { stdin: string; expected: string },
  step: StepResult,
): CaseOutcome {
  const shown = {
    stdin: describeArguments(harness.signature, testCase.stdin),
    expected: formatJson(parseJson(testCase.expected)),
    stdout: step.stdout,
    stderr: step.stderr,
  };
  const verdict = stepVerdict(step, language);
  if (verdict !== 'ok') return { verdict, shown };
  const judged = judgeReturn(
    step.stdout,
    testCase.expected,
    parseType(harness.signature.returns),
    harness.comparison,
  );
  if (judged.kind === 'no_result') {
    const note = `The program ended before ${harness.signature.name} returned (did it call exit?).\n`;
    return { verdict: 'runtime_error', shown: { ...shown, stderr: shown.stderr + note } };
  }
  return { verdict: judged.kind, shown: { ...shown, stdout: judged.got } };
}
