/**
 * The signature's types as a small tree (a scalar and its array depth), and
 * the check that a problem file's JSON values really have those types.
 */
import type { FunctionSignature, ScalarType } from '@tandem/protocol';

export interface ValueType {
  scalar: ScalarType;
  /** 0 for a scalar, 1 for `T[]`, 2 for `T[][]`. */
  depth: number;
}

export function parseType(text: string): ValueType {
  const match = /^(int|long|double|bool|string)((?:\[\])*)$/.exec(text);
  if (!match) throw new Error(`not a signature type: ${text}`);
  return { scalar: match[1] as ScalarType, depth: (match[2] ?? '').length / 2 };
}

/** The element type of an array type. */
export function elementOf(type: ValueType): ValueType {
  if (type.depth === 0) throw new Error('a scalar has no element type');
  return { scalar: type.scalar, depth: type.depth - 1 };
}

const INT32 = 2 ** 31;

/** Why `value` (parsed from JSON) is not of `type`, or null when it is. */
export function typeError(value: unknown, type: ValueType, where: string): string | null {
  if (type.depth > 0) {
    if (!Array.isArray(value)) return `${where} must be an array`;
    const inner = elementOf(type);
    for (const [i, item] of value.entries()) {
      const error = typeError(item, inner, `${where}[${i}]`);
      if (error) return error;
    }
    return null;
  }
  switch (type.scalar) {
    case 'int':
      return Number.isInteger(value) && (value as number) >= -INT32 && (value as number) < INT32
        ? null
        : `${where} must be a 32-bit integer`;
    case 'long':
      return Number.isSafeInteger(value) ? null : `${where} must be an integer within ±2^53`;
    case 'double':
      return typeof value === 'number' && Number.isFinite(value)
        ? null
        : `${where} must be a finite number`;
    case 'bool':
      return typeof value === 'boolean' ? null : `${where} must be true or false`;
    case 'string':
      return typeof value === 'string' ? null : `${where} must be a string`;
  }
}

/**
 * Names a signature may not use: keywords or names the drivers need in one of
 * the target languages, so that every language's stub compiles as written.
 */
const RESERVED = new Set(
  (
    'and as assert async await break case catch char class const continue debugger def default ' +
    'defer del delete do double elif else end enum export extends false final finally float ' +
    'fn for func function global go goto if impl import in int interface is lambda let long ' +
    'loop main map match mod module move mut native new nil none not null or package pass ' +
    'print private protected pub public raise range ref return select self short signed sizeof ' +
    'static string struct super switch this throw throws trait true try type typeof undefined ' +
    'union unless unsafe unsigned until use var vector void volatile when where while with yield ' +
    'args echo fmt json len list os std sys'
  ).split(' '),
);

/** Why a signature cannot be offered in every language, or null when it can. */
export function signatureError(signature: FunctionSignature): string | null {
  for (const name of [signature.name, ...signature.params.map((p) => p.name)]) {
    if (RESERVED.has(name) || name.startsWith('tandem')) {
      return `"${name}" is a reserved word or name in one of the languages; choose another`;
    }
  }
  if (signature.params.some((p) => p.name === signature.name)) {
    return 'a parameter cannot have the name of the function';
  }
  return null;
}
