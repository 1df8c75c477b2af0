/**
 * Writes the function-signature sample problems into problems/: the cases'
 * arguments come from a seeded generator, the expected values from the
 * reference solutions below, so the files can be made again byte for byte
 * (they are left out of Prettier: it would put every number on a line).
 *
 *   npx tsx scripts/generate-function-problems.ts
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** mulberry32: small, seeded, good enough for test data. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function int(random: () => number, lo: number, hi: number): number {
  return lo + Math.floor(random() * (hi - lo + 1));
}

interface Case {
  args: unknown[];
  hidden: boolean;
}

function withExpected(cases: Case[], solve: (...args: never[]) => unknown) {
  return cases.map((c) => ({
    args: c.args,
    expected: (solve as (...args: unknown[]) => unknown)(...structuredClone(c.args)),
    hidden: c.hidden,
  }));
}

// Two Sum: the indices of the one pair that adds up to the target.
function twoSum(nums: number[], target: number): number[] {
  const seen = new Map<number, number>();
  for (const [i, n] of nums.entries()) {
    const j = seen.get(target - n);
    if (j !== undefined) return [j, i];
    seen.set(n, i);
  }
  throw new Error('no pair');
}

/** n distinct values with exactly one pair adding up to the target. */
function twoSumCase(random: () => number, n: number): Case {
  for (;;) {
    const values = new Set<number>();
    while (values.size < n) values.add(int(random, -1_000_000_000, 1_000_000_000));
    const nums = [...values];
    const i = int(random, 0, n - 1);
    let j = int(random, 0, n - 2);
    if (j >= i) j++;
    const target = (nums[i] as number) + (nums[j] as number);
    const pairs = nums.filter((x) => values.has(target - x) && target - x !== x).length / 2;
    if (pairs === 1) return { args: [nums, target], hidden: true };
  }
}

// Rotate Image: the matrix turned 90 degrees clockwise.
function rotate(matrix: number[][]): number[][] {
  const n = matrix.length;
  return matrix.map((_, r) => matrix.map((_, c) => matrix[n - 1 - c]?.[r] as number));
}

function matrixCase(random: () => number, n: number): Case {
  const matrix = Array.from({ length: n }, () =>
    Array.from({ length: n }, () => int(random, -1000, 1000)),
  );
  return { args: [matrix], hidden: true };
}

// Group Anagrams: groups in any order, each group's words in input order.
function groupAnagrams(words: string[]): string[][] {
  const groups = new Map<string, string[]>();
  for (const word of words) {
    const key = [...word].sort().join('');
    groups.set(key, [...(groups.get(key) ?? []), word]);
  }
  return [...groups.values()];
}

function wordsCase(random: () => number, n: number): Case {
  const stems = Array.from({ length: Math.ceil(n / 4) }, () =>
    Array.from({ length: int(random, 1, 8) }, () => String.fromCharCode(int(random, 97, 122))),
  );
  const words = Array.from({ length: n }, () => {
    const letters = [...(stems[int(random, 0, stems.length - 1)] as string[])];
    for (let k = letters.length - 1; k > 0; k--) {
      const m = int(random, 0, k);
      [letters[k], letters[m]] = [letters[m] as string, letters[k] as string];
    }
    return letters.join('');
  });
  return { args: [words], hidden: true };
}

const random = prng(20261201);
const problems = [
  {
    id: 'two-sum-function',
    title: 'Two Sum (function)',
    difficulty: 'easy',
    pattern: 'hash map',
    statement:
      'Given an array of integers `nums` and an integer `target`, return the indices of the two numbers that add up to `target`, in any order.\n\nEach input has exactly one answer, and the same element may not be used twice.\n\nThe largest hidden case has 10,000 numbers: an O(n²) scan is too slow.',
    limits: { cpuMs: 2000, wallMs: 4000 },
    function: {
      signature: {
        name: 'twoSum',
        params: [
          { name: 'nums', type: 'int[]' },
          { name: 'target', type: 'int' },
        ],
        returns: 'int[]',
      },
      comparison: { anyOrder: true },
      cases: withExpected(
        [
          { args: [[2, 7, 11, 15], 9], hidden: false },
          { args: [[3, 2, 4], 6], hidden: false },
          { args: [[3, 3], 6], hidden: true },
          twoSumCase(random, 50),
          twoSumCase(random, 10_000),
        ],
        twoSum,
      ),
    },
  },
  {
    id: 'rotate-image',
    title: 'Rotate Image',
    difficulty: 'medium',
    pattern: 'matrix',
    statement:
      'Given an `n × n` matrix of integers, return it rotated by 90 degrees clockwise.\n\nThe first row of the answer is the first column of the matrix, read from bottom to top.',
    function: {
      signature: {
        name: 'rotate',
        params: [{ name: 'matrix', type: 'int[][]' }],
        returns: 'int[][]',
      },
      cases: withExpected(
        [
          {
            args: [
              [
                [1, 2, 3],
                [4, 5, 6],
                [7, 8, 9],
              ],
            ],
            hidden: false,
          },
          {
            args: [
              [
                [5, 1, 9, 11],
                [2, 4, 8, 10],
                [13, 3, 6, 7],
                [15, 14, 12, 16],
              ],
            ],
            hidden: false,
          },
          { args: [[[1]]], hidden: true },
          matrixCase(random, 7),
          matrixCase(random, 60),
        ],
        rotate,
      ),
    },
  },
  {
    id: 'group-anagrams',
    title: 'Group Anagrams',
    difficulty: 'medium',
    pattern: 'hash map',
    statement:
      'Given an array of lowercase words, group the words that are anagrams of each other (the same letters, in any order).\n\nReturn the groups in any order; inside a group, keep the words in the order they appear in `words`.',
    function: {
      signature: {
        name: 'groupAnagrams',
        params: [{ name: 'words', type: 'string[]' }],
        returns: 'string[][]',
      },
      comparison: { anyOrder: true },
      cases: withExpected(
        [
          { args: [['eat', 'tea', 'tan', 'ate', 'nat', 'bat']], hidden: false },
          { args: [['']], hidden: false },
          { args: [['a']], hidden: true },
          wordsCase(random, 30),
          wordsCase(random, 3000),
        ],
        groupAnagrams,
      ),
    },
  },
];

const dir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../problems');
/** Indented, but one case a line: a case's arrays would otherwise take a line per number. */
function format(problem: (typeof problems)[number]): string {
  const { cases, ...fn } = problem.function;
  const text = JSON.stringify({ ...problem, function: { ...fn, cases: 'CASES' } }, null, 2);
  const lines = cases.map((c) => `      ${JSON.stringify(c)}`).join(',\n');
  return `${text.replace('"CASES"', `[\n${lines}\n    ]`)}\n`;
}

for (const problem of problems) {
  writeFileSync(path.join(dir, `${problem.id}.json`), format(problem));
  console.log(`wrote problems/${problem.id}.json`);
}
