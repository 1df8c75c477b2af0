/**
 * Function-signature (LeetCode-style) problems: the candidate writes only a
 * function; each language's harness gives the starter stub and the driver
 * that calls it. The server uses the starters and the type checks; the
 * sandbox wraps the code and judges the returned value.
 */
import type { FunctionSignature } from '@tandem/protocol';
import { cpp } from './languages/cpp.js';
import { go } from './languages/go.js';
import type { LanguageHarness } from './languages/harness.js';
import { java } from './languages/java.js';
import { javascript, typescript } from './languages/javascript.js';
import { php } from './languages/php.js';
import { python } from './languages/python.js';
import { ruby } from './languages/ruby.js';
import { formatJson, parseJson } from './json.js';
import { parseType, typeError } from './types.js';

export type { LanguageHarness, Wrapped } from './languages/harness.js';
export { RESULT_MARKER, judgeReturn, type ReturnVerdict } from './compare.js';
export { formatJson, parseJson } from './json.js';
export { parseType, signatureError, typeError, type ValueType } from './types.js';

const HARNESSES: readonly LanguageHarness[] = [
  python,
  javascript,
  typescript,
  cpp,
  java,
  go,
  ruby,
  php,
];

/** The harness of a registry language, or undefined where function problems do not run. */
export function harnessFor(language: string): LanguageHarness | undefined {
  return HARNESSES.find((harness) => harness.language === language);
}

/** The starter stub of every language that has a harness, by language id. */
export function starters(signature: FunctionSignature): Record<string, string> {
  return Object.fromEntries(HARNESSES.map((h) => [h.language, h.starter(signature)]));
}

/** A case's arguments as a person reads them: `nums = [2,7,11,15]`, one per line. */
export function describeArguments(signature: FunctionSignature, args: string): string {
  const values = parseJson(args);
  if (!Array.isArray(values)) return args;
  return signature.params
    .map((p, i) => `${p.name} = ${values[i] === undefined ? '?' : formatJson(values[i])}`)
    .join('\n');
}

/** Why a case's arguments or expected value do not fit the signature, or null when they do. */
export function caseError(
  signature: FunctionSignature,
  args: unknown[],
  expected: unknown,
): string | null {
  if (args.length !== signature.params.length) {
    return `${signature.name} takes ${signature.params.length} arguments, the case gives ${args.length}`;
  }
  for (const [i, param] of signature.params.entries()) {
    const error = typeError(args[i], parseType(param.type), param.name);
    if (error) return error;
  }
  return typeError(expected, parseType(signature.returns), 'the expected value');
}
