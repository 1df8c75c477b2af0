import { describe, expect, it } from 'vitest';
import { normaliseOutput, outputsMatch } from './compare.js';

describe('output comparison', () => {
  it('ignores CRLF, trailing spaces on each line and trailing blank lines', () => {
    expect(outputsMatch('1 2  \r\n3\t\r\n\r\n\n', '1 2\n3')).toBe(true);
    expect(outputsMatch('42', '42\n')).toBe(true);
    expect(normaliseOutput('a\rb')).toBe('a\nb');
  });

  it('keeps leading whitespace, inner blank lines and case', () => {
    expect(outputsMatch(' 1', '1')).toBe(false);
    expect(outputsMatch('1\n\n2', '1\n2')).toBe(false);
    expect(outputsMatch('Yes', 'yes')).toBe(false);
  });

  it('treats empty output and blank lines alike', () => {
    expect(outputsMatch('', '\n\n')).toBe(true);
    expect(outputsMatch('', '0')).toBe(false);
  });
});
