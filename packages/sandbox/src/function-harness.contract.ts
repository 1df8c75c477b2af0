/**
 * The function-harness contract: for each language with a harness, the
 * candidate's function is wrapped in its driver and judged in the real
 * backend. Accepted (with debug output on stdout), wrong answer with expected
 * and got, run-time errors pointing at the candidate's lines, hidden cases
 * redacted, and every signature type carried through the driver and back.
 */
import type { FunctionHarness } from '@tandem/protocol';
import { starters } from '@tandem/harness';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FUNCTION_PROGRAMS } from './function-harness.contract-programs.js';
import { findLanguage } from './languages.js';
import type { Sandbox } from './sandbox.js';

const comparison = { tolerance: 1e-6, anyOrder: false };
const TWO_SUM: FunctionHarness = {
  signature: {
    name: 'twoSum',
    params: [
      { name: 'nums', type: 'int[]' },
      { name: 'target', type: 'int' },
    ],
    returns: 'int[]',
  },
  comparison,
};
const TWO_SUM_CASES = [
  { stdin: '[[2,7,11,15],9]', expected: '[0,1]', hidden: false },
  { stdin: '[[3,2,4],6]', expected: '[1,2]', hidden: false },
  { stdin: '[[3,3],6]', expected: '[0,1]', hidden: true },
];

/**
 * A value for `same(x: T) -> T` per type, which must come back as it went in:
 * each array type's element writer is the scalar's, so these cover all types.
 * One case each: in the WebAssembly backend every case loads an interpreter.
 */
const ROUND_TRIPS: Record<string, unknown> = {
  'int[][]': [[1, -2], [], [2147483647, -2147483648]],
  'string[]': ['a"b\\c', 'line\nbreak\ttab', 'é ☃ 𝄞', ''],
  'double[]': [0.1, -2.5e10, 3, 1e-7],
  'long[]': [9007199254740991, -9007199254740991, 0],
  'bool[]': [true, false],
};

export function functionHarnessContract(
  name: string,
  make: () => Promise<Sandbox>,
  languages: string[],
): void {
  describe(`function harness contract: ${name}`, () => {
    let sandbox: Sandbox;
    beforeAll(async () => {
      sandbox = await make();
    });
    afterAll(async () => {
      await sandbox?.close();
    });

    for (const language of languages) {
      const programs = FUNCTION_PROGRAMS[language];
      if (!programs) throw new Error(`no function programs for ${language}`);
      const judgeTwoSum = (source: string) =>
        sandbox.judge({ language, source, cases: TWO_SUM_CASES, harness: TWO_SUM });

      // Compiles are heavy (and limited in wall time): one at a time per language.
      const group = findLanguage(language)?.compile ? describe : describe.concurrent;
      group(language, () => {
        it('accepts a right answer, whatever the function printed on the way', async () => {
          const judged = await judgeTwoSum(programs.accepted);
          expect(judged.cases.map((c) => c.verdict)).toEqual(['accepted', 'accepted', 'accepted']);
          expect(judged.verdict).toBe('accepted');
          const first = judged.cases[0];
          expect(first?.stdin).toBe('nums = [2,7,11,15]\ntarget = 9');
          expect(first?.expected).toBe('[0,1]');
          expect(first?.stdout).toBe('[0,1]');
          expect(first?.stderr).toContain('looking for');
          expect(judged.cases[2]).not.toHaveProperty('stdout');
          expect(judged.cases[2]).not.toHaveProperty('stdin');
        });

        it('shows expected and got for a wrong answer, and nothing of a hidden case', async () => {
          const judged = await judgeTwoSum(programs.wrong);
          expect(judged.verdict).toBe('wrong_answer');
          expect(judged.cases[1]).toMatchObject({
            verdict: 'wrong_answer',
            expected: '[1,2]',
            stdout: '[0,0]',
          });
          expect(judged.cases[2]).toEqual({
            index: 2,
            hidden: true,
            verdict: 'wrong_answer',
            wallMs: expect.any(Number),
            cpuMs: expect.any(Number),
            memoryKb: expect.any(Number),
          });
        });

        it('reports a run-time error with the trace of the candidate’s code', async () => {
          const judged = await judgeTwoSum(programs.throws);
          expect(judged.verdict).toBe('runtime_error');
          expect(judged.cases[0]?.verdict).toBe('runtime_error');
          if (programs.throwsAt) expect(judged.cases[0]?.stderr).toContain(programs.throwsAt);
        });

        it('carries every type through the driver and back', async () => {
          for (const [type, value] of Object.entries(ROUND_TRIPS)) {
            const signature = { name: 'same', params: [{ name: 'x', type }], returns: type };
            const starter = starters(signature)[language];
            if (!starter) throw new Error(`no starter for ${language}`);
            const cases = [
              { stdin: JSON.stringify([value]), expected: JSON.stringify(value), hidden: false },
            ];
            const judged = await sandbox.judge({
              language,
              source: programs.identity(starter),
              cases,
              harness: { signature, comparison },
            });
            const detail = { type, compile: judged.compile?.stderr, cases: judged.cases };
            expect(judged.verdict, JSON.stringify(detail)).toBe('accepted');
          }
        });
      });
    }
  });
}
