/**
 * The sandbox contract: every backend runs these for each language it
 * supports. Limits are small so the suite stays fast.
 */
import type { CaseView } from '@tandem/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findLanguage } from './languages.js';
import { CONTRACT_PROGRAMS } from './sandbox.contract-programs.js';
import type { Sandbox } from './sandbox.js';
import type { Limits } from './types.js';

const QUICK: Partial<Limits> = { cpuMs: 1000, wallMs: 2000 };

export function sandboxContract(
  name: string,
  make: () => Promise<Sandbox>,
  languages: string[],
): void {
  describe(`sandbox contract: ${name}`, () => {
    let sandbox: Sandbox;
    beforeAll(async () => {
      sandbox = await make();
    });
    afterAll(async () => {
      await sandbox?.close();
    });

    it('lists the languages under test with a version and a template', async () => {
      const listed = await sandbox.languages();
      for (const id of languages) {
        const language = listed.find((l) => l.id === id);
        expect(language, id).toBeDefined();
        expect(language?.version).not.toBe('');
        expect(language?.template).not.toBe('');
        expect(language?.backend).toBe(sandbox.backend);
      }
    });

    for (const id of languages) {
      const programs = CONTRACT_PROGRAMS[id];
      const spec = findLanguage(id);
      if (!programs || !spec) throw new Error(`no contract programs for ${id}`);
      const run = (source: string, stdin = '', limits: Partial<Limits> = {}) =>
        sandbox.execute({ language: id, source, stdin, limits });

      describe.concurrent(id, () => {
        it('prints hello', async () => {
          const { verdict, result } = await run(programs.hello);
          expect(result?.stdout).toBe('hello\n');
          expect(verdict).toBe('ok');
          expect(result?.exitCode).toBe(0);
        });

        it('runs the starter template', async () => {
          const { verdict } = await run(spec.template, '20 22\n');
          expect(verdict).toBe('ok');
        });

        if (programs.echo) {
          const echo = programs.echo;
          it('echoes stdin verbatim, shell characters and all', async () => {
            const stdin = 'a $HOME `id` $(id) ; | & < > \' " \\ \nline two\n';
            const { verdict, result } = await run(echo, stdin);
            expect(result?.stdout).toBe(stdin);
            expect(verdict).toBe('ok');
          });
        }

        if (programs.exit3) {
          const exit3 = programs.exit3;
          it('reports exit code 3 as a runtime error', async () => {
            const { verdict, result } = await run(exit3);
            expect(verdict).toBe('runtime_error');
            expect(result?.exitCode).toBe(3);
          });
        }

        if (programs.compileError) {
          const broken = programs.compileError;
          it('reports a compile error with the compiler output', async () => {
            const { verdict, compile, result } = await run(broken);
            expect(verdict).toBe('compile_error');
            expect(result).toBeNull();
            expect(compile?.exitCode).not.toBe(0);
            expect(`${compile?.stdout}${compile?.stderr}`.length).toBeGreaterThan(0);
          });
        }

        it('stops a busy loop at the CPU limit', async () => {
          const { verdict, result } = await run(programs.busyLoop, '', QUICK);
          expect(verdict).toBe('time_limit');
          expect(result?.wallMs).toBeLessThan(2000 + 1000);
        });

        if (programs.allocate) {
          const allocate = programs.allocate;
          it('stops a 1 GiB allocation at the memory limit', async () => {
            const { verdict } = await run(allocate, '', { ...QUICK, wallMs: 5000 });
            expect(verdict).toBe('memory_limit');
          });
        }

        it('stops an infinite print at the output limit', async () => {
          const outputBytes = 16 * 1024;
          const { verdict, result } = await run(programs.infinitePrint, '', {
            ...QUICK,
            outputBytes,
          });
          expect(verdict).toBe('output_limit');
          expect(result?.stdoutTruncated).toBe(true);
          expect(Buffer.byteLength(result?.stdout ?? '')).toBeLessThanOrEqual(outputBytes);
        });

        if (programs.sum) {
          const sum = programs.sum;
          it('judges each case and redacts hidden ones', async () => {
            const seen: CaseView[] = [];
            const judged = await sandbox.judge({
              language: id,
              source: sum,
              cases: [
                { stdin: '1 2\n', expected: '3\n', hidden: false },
                { stdin: '2 2\n', expected: '5', hidden: false },
                { stdin: '40 2\n', expected: '42  \r\n\r\n', hidden: true },
              ],
              onCase: (view) => seen.push(view),
            });
            expect(judged.cases.map((view) => view.verdict)).toEqual([
              'accepted',
              'wrong_answer',
              'accepted',
            ]);
            expect(judged.verdict).toBe('wrong_answer');
            expect(judged.summary).toEqual({ passed: 2, total: 3 });
            expect(seen).toEqual(judged.cases);
            expect(judged.cases[1]).toMatchObject({ stdin: '2 2\n', expected: '5', stdout: '4\n' });
            expect(Object.keys(judged.cases[2] ?? {}).sort()).toEqual(
              ['cpuMs', 'hidden', 'index', 'memoryKb', 'verdict', 'wallMs'].sort(),
            );
            expect(judged.cases[2]?.hidden).toBe(true);
          });
        }
      });
    }
  });
}
