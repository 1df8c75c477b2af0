/**
 * How a judged function's output is read and compared. The driver prints the
 * returned value as one line `RESULT_MARKER + JSON` on its own stdout; the
 * candidate's own output goes to stderr (and a line that still reaches stdout
 * is ignored), so debug prints never change the verdict.
 */
import type { ReturnComparison } from '@tandem/protocol';
import { formatJson, JsonNumber, parseJson, type Json } from './json.js';
import { elementOf, type ValueType } from './types.js';

/** Starts the driver's result line. The record separator keeps it apart from anything printed. */
export const RESULT_MARKER = '\u001eTANDEM-RESULT ';

export type ReturnVerdict =
  /** `got` is the returned value as canonical JSON. */
  | { kind: 'accepted' | 'wrong_answer'; got: string }
  /** The program ended (exit code 0) without the driver printing a result. */
  | { kind: 'no_result' };

/** Reads the driver's result line from a case's stdout and compares it with the expected JSON. */
export function judgeReturn(
  stdout: string,
  expected: string,
  returns: ValueType,
  comparison: ReturnComparison,
): ReturnVerdict {
  const line = stdout
    .split('\n')
    .reverse()
    .find((l) => l.startsWith(RESULT_MARKER));
  if (line === undefined) return { kind: 'no_result' };
  const text = line.slice(RESULT_MARKER.length).trim();
  let got: Json;
  try {
    got = parseJson(text);
  } catch {
    return { kind: 'wrong_answer', got: text };
  }
  const ok = matches(got, parseJson(expected), returns, comparison);
  return { kind: ok ? 'accepted' : 'wrong_answer', got: formatJson(got) };
}

export function matches(
  got: Json,
  expected: Json,
  type: ValueType,
  comparison: ReturnComparison,
  top = true,
): boolean {
  if (type.depth > 0) {
    if (!Array.isArray(got) || !Array.isArray(expected) || got.length !== expected.length) {
      return false;
    }
    const inner = elementOf(type);
    const [a, b] =
      top && comparison.anyOrder ? [sorted(got, inner), sorted(expected, inner)] : [got, expected];
    return a.every((item, i) => matches(item, b[i] as Json, inner, comparison, false));
  }
  switch (type.scalar) {
    case 'int':
    case 'long':
      return isInteger(got) && isInteger(expected) && BigInt(got.text) === BigInt(expected.text);
    case 'double': {
      if (!(got instanceof JsonNumber) || !(expected instanceof JsonNumber)) return false;
      const g = Number(got.text);
      const e = Number(expected.text);
      return Math.abs(g - e) <= comparison.tolerance * Math.max(1, Math.abs(e));
    }
    case 'bool':
    case 'string':
      return got === expected;
  }
}

function isInteger(value: Json): value is JsonNumber {
  return value instanceof JsonNumber && /^-?\d+$/.test(value.text);
}

/** Elements in a fixed order: numbers by value, anything else by its canonical JSON. */
function sorted(items: Json[], type: ValueType): Json[] {
  const numeric = type.depth === 0 && type.scalar !== 'bool' && type.scalar !== 'string';
  const key = (item: Json) =>
    numeric && item instanceof JsonNumber ? Number(item.text) : formatJson(item);
  return [...items].sort((x, y) => {
    const a = key(x);
    const b = key(y);
    return a < b ? -1 : a > b ? 1 : 0;
  });
}
