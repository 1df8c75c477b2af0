/** The programs the execution benchmarks run, through our server and through the bare box. */

export interface BenchProgram {
  /** Label used in metric names. */
  label: string;
  /** Language id of the sandbox's registry. */
  language: 'python' | 'javascript' | 'cpp';
  source: string;
  /** The verdict a correct run ends with. */
  verdict: 'ok' | 'time_limit';
  /** Expected stdout, for hellos. */
  stdout?: string;
}

export const HELLO: Readonly<Record<'python' | 'node' | 'cpp', BenchProgram>> = Object.freeze({
  python: {
    label: 'python',
    language: 'python',
    source: 'print("hello")\n',
    verdict: 'ok',
    stdout: 'hello\n',
  },
  node: {
    label: 'node',
    language: 'javascript',
    source: 'console.log("hello");\n',
    verdict: 'ok',
    stdout: 'hello\n',
  },
  cpp: {
    label: 'cpp',
    language: 'cpp',
    source: '#include <cstdio>\nint main() { std::puts("hello"); return 0; }\n',
    verdict: 'ok',
    stdout: 'hello\n',
  },
});

/** A problem-less run that only stops at the CPU limit (5 s by default). */
export const BUSY_LOOP: BenchProgram = Object.freeze({
  label: 'busy',
  language: 'python',
  source: 'while True:\n    pass\n',
  verdict: 'time_limit',
});

export type MixName = 'python' | 'cpp' | 'mix';

/**
 * The n-th program of a closed loop. The mix is deterministic so ours and the
 * ceiling run the same sequence: 10% busy loops, the rest alternating Python
 * and C++ hellos.
 */
export function nthProgram(mix: MixName, n: number): BenchProgram {
  if (mix === 'python') return HELLO.python;
  if (mix === 'cpp') return HELLO.cpp;
  if (n % 10 === 9) return BUSY_LOOP;
  return n % 2 === 0 ? HELLO.python : HELLO.cpp;
}

export function isMix(name: string): name is MixName {
  return name === 'python' || name === 'cpp' || name === 'mix';
}
