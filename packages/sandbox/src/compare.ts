/**
 * How a program's output is compared with a test case's expected output:
 * line endings are normalised (CRLF and lone CR become LF), trailing spaces
 * and tabs on each line are ignored, and so are trailing blank lines. Leading
 * whitespace and blank lines between lines still count.
 */
export function normaliseOutput(text: string): string {
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  const trimmed = lines.map((line) => line.replace(/[ \t\f\v]+$/, ''));
  while (trimmed.length > 0 && trimmed[trimmed.length - 1] === '') trimmed.pop();
  return trimmed.join('\n');
}

export function outputsMatch(actual: string, expected: string): boolean {
  return normaliseOutput(actual) === normaliseOutput(expected);
}
