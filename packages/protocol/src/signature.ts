import { z } from 'zod';

/**
 * The language-neutral type of a function-signature problem's parameter or
 * return value: a scalar, or an array of one (1-D or 2-D), written
 * `int`, `long`, `double`, `bool`, `string`, `int[]`, `int[][]`, ...
 * `int` is 32-bit; `long` is 64-bit, but values in problem files stay within
 * ±2^53 (what JSON numbers keep exactly everywhere).
 */
export const SCALAR_TYPES = ['int', 'long', 'double', 'bool', 'string'] as const;
export type ScalarType = (typeof SCALAR_TYPES)[number];

export const ValueTypeSchema = z
  .string()
  .regex(
    /^(int|long|double|bool|string)(\[\]){0,2}$/,
    'a type is int, long, double, bool or string, with up to two [] (e.g. int[][])',
  );

const IdentifierSchema = z
  .string()
  .regex(/^[a-z][A-Za-z0-9]{0,39}$/, 'a lowerCamelCase identifier (letters and digits)');

/** The function a candidate writes, e.g. `twoSum(nums: int[], target: int) -> int[]`. */
export const FunctionSignatureSchema = z.object({
  name: IdentifierSchema,
  params: z
    .array(z.object({ name: IdentifierSchema, type: ValueTypeSchema }))
    .min(1)
    .max(8)
    .refine(
      (params) => new Set(params.map((p) => p.name)).size === params.length,
      'parameter names must differ',
    ),
  returns: ValueTypeSchema,
});
export type FunctionSignature = z.infer<typeof FunctionSignatureSchema>;

/** How a returned value is compared with the expected one. */
export const ReturnComparisonSchema = z.object({
  /** Doubles match when |got - expected| <= tolerance * max(1, |expected|). */
  tolerance: z.number().min(0).max(1).default(1e-6),
  /** The returned array's elements may come in any order (top level only). */
  anyOrder: z.boolean().default(false),
});
export type ReturnComparison = z.infer<typeof ReturnComparisonSchema>;

/** What a judged run of a function problem needs besides its cases. */
export interface FunctionHarness {
  signature: FunctionSignature;
  comparison: ReturnComparison;
}
