import { describe, expect, it } from 'vitest';
import { judgeReturn, RESULT_MARKER } from './compare.js';
import { caseError, describeArguments, starters } from './index.js';
import { formatJson, parseJson } from './json.js';
import { parseType, signatureError } from './types.js';

const exact = { tolerance: 1e-6, anyOrder: false };
const result = (json: string, before = '') => `${before}${RESULT_MARKER}${json}\n`;

describe('judgeReturn', () => {
  it('compares 64-bit integers exactly, past what a JavaScript number keeps', () => {
    const long = parseType('long');
    expect(
      judgeReturn(result('9223372036854775807'), '9223372036854775807', long, exact).kind,
    ).toBe('accepted');
    expect(judgeReturn(result('9223372036854775806'), '9223372036854775807', long, exact)).toEqual({
      kind: 'wrong_answer',
      got: '9223372036854775806',
    });
    // An integer written as a double is not an int.
    expect(judgeReturn(result('2.0'), '2', parseType('int'), exact).kind).toBe('wrong_answer');
  });

  it('accepts doubles within the tolerance, relative to the expected value', () => {
    const double = parseType('double[]');
    expect(
      judgeReturn(result('[0.30000000000000004,1e10]'), '[0.3,10000000001]', double, exact),
    ).toEqual({
      kind: 'accepted',
      got: '[0.30000000000000004,10000000000]',
    });
    expect(judgeReturn(result('[0.301]'), '[0.3]', double, exact).kind).toBe('wrong_answer');
  });

  it('ignores the order of the top-level elements only when asked to', () => {
    const grid = parseType('int[][]');
    const anyOrder = { ...exact, anyOrder: true };
    expect(judgeReturn(result('[[3,4],[1,2]]'), '[[1,2],[3,4]]', grid, anyOrder).kind).toBe(
      'accepted',
    );
    expect(judgeReturn(result('[[2,1],[3,4]]'), '[[1,2],[3,4]]', grid, anyOrder).kind).toBe(
      'wrong_answer',
    );
    expect(judgeReturn(result('[[3,4],[1,2]]'), '[[1,2],[3,4]]', grid, exact).kind).toBe(
      'wrong_answer',
    );
  });

  it('reads the last result line, whatever else reached stdout', () => {
    const out = result('[1]', `debug\n${RESULT_MARKER}[0]\nmore debug\n`);
    expect(judgeReturn(out, '[1]', parseType('int[]'), exact).kind).toBe('accepted');
    expect(judgeReturn('printed only\n', '[1]', parseType('int[]'), exact)).toEqual({
      kind: 'no_result',
    });
    expect(judgeReturn(result('undefined'), '[1]', parseType('int[]'), exact)).toEqual({
      kind: 'wrong_answer',
      got: 'undefined',
    });
  });
});

describe('JSON and types', () => {
  it('parses and writes strings with escapes and non-ASCII text', () => {
    const text = '["a\\"b\\\\c\\n\\u00e9", true, null, -1.5e3]';
    expect(formatJson(parseJson(text))).toBe('["a\\"b\\\\c\\né",true,null,-1500]');
    expect(() => parseJson('[1,]')).toThrow(/expected a value/);
    expect(() => parseJson('[1] 2')).toThrow(/after the value/);
  });

  it('checks case values against the signature, naming what is wrong', () => {
    const signature = {
      name: 'f',
      params: [
        { name: 'grid', type: 'int[][]' },
        { name: 'word', type: 'string' },
      ],
      returns: 'bool',
    };
    expect(caseError(signature, [[[1]], 'x'], true)).toBeNull();
    expect(caseError(signature, [[[1, 2.5]], 'x'], true)).toBe(
      'grid[0][1] must be a 32-bit integer',
    );
    expect(caseError(signature, [[[1]], 3], true)).toBe('word must be a string');
    expect(caseError(signature, [[[1]], 'x'], 1)).toBe('the expected value must be true or false');
    expect(caseError(signature, [[[1]]], true)).toBe('f takes 2 arguments, the case gives 1');
    expect(describeArguments(signature, '[[[1,2]],"x"]')).toBe('grid = [[1,2]]\nword = "x"');
  });

  it('refuses names that are keywords in one of the languages', () => {
    const base = { params: [{ name: 'n', type: 'int' }], returns: 'int' };
    expect(signatureError({ name: 'solve', ...base })).toBeNull();
    expect(signatureError({ name: 'func', ...base })).toMatch(/reserved/);
    expect(
      signatureError({ name: 'f', params: [{ name: 'len', type: 'int' }], returns: 'int' }),
    ).toMatch(/reserved/);
  });

  it('gives every language a stub with the signature in its own types', () => {
    const stubs = starters({
      name: 'rotate',
      params: [{ name: 'matrix', type: 'int[][]' }],
      returns: 'int[][]',
    });
    expect(stubs.go).toContain('func rotate(matrix [][]int) [][]int');
    expect(stubs.cpp).toContain('vector<vector<int>> rotate(vector<vector<int>>& matrix)');
    expect(stubs.java).toContain('public int[][] rotate(int[][] matrix)');
    expect(stubs.typescript).toContain('function rotate(matrix: number[][]): number[][]');
    expect(stubs.php).toContain('function rotate(array $matrix): array');
    expect(stubs.ruby).toContain('def rotate(matrix)');
  });
});
