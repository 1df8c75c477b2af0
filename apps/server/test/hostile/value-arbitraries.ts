/**
 * fast-check arbitraries for hostile values in JSON-shaped input, shared by
 * the socket and REST suites: anything at all, huge strings, deep nesting,
 * Unicode edge cases, and valid objects with a field broken, dropped or added.
 */
import fc from 'fast-check';

/** Strings people and attackers actually send: control characters, NUL, lone surrogates, RTL, emoji, noncharacters. */
export const edgyString: fc.Arbitrary<string> = fc.oneof(
  fc.string({ maxLength: 30 }),
  fc.string({ unit: 'grapheme', maxLength: 30 }),
  fc.string({ unit: 'binary', maxLength: 30 }),
  fc.constantFrom(
    '',
    ' ',
    '\u0000',
    'a\u0000b',
    '\ud800',
    'x\udfffy',
    '\ufeffBOM',
    '\u202etxt.exe',
    '\uffff\ufffe',
    '👩‍👩‍👧‍👦'.repeat(20),
    'e\u0301'.repeat(40),
    '\r\n\r\n',
    '<script>alert(1)</script>',
    "'; drop table rooms; --",
    '%00%2e%2e%2f',
    '../../../etc/passwd',
    '__proto__',
    'constructor',
    '{"$gt":""}',
    '９９',
    'ǅ',
  ),
);

/** Strings far over every limit, yet below the transport's frame cut-off (4 x MAX_UPDATE_BYTES in the suites). */
export const hugeString: fc.Arbitrary<string> = fc.oneof(
  fc.integer({ min: 121, max: 2_000 }).map((n) => 'x'.repeat(n)),
  fc.integer({ min: 20_000, max: 120_000 }).map((n) => 'y'.repeat(n)),
  fc.integer({ min: 1_000, max: 10_000 }).map((n) => 'é😀'.repeat(n)),
);

/**
 * Arrays (or objects) nested far deeper than any payload of ours, yet within
 * what socket.io-client can encode (it recurses); deeper ones are sent as raw
 * packets (transport-packets.test.ts).
 */
export const deeplyNested: fc.Arbitrary<unknown> = fc
  .tuple(fc.integer({ min: 50, max: 1_000 }), fc.boolean())
  .map(([depth, objects]) => {
    let v: unknown = 'bottom';
    for (let i = 0; i < depth; i++) v = objects ? { a: v } : [v];
    return v;
  });

/** Any value at all, binary included. */
export const junk: fc.Arbitrary<unknown> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.anything({
      maxDepth: 3,
      withNullPrototype: true,
      withTypedArray: true,
      withSparseArray: true,
    }),
  },
  { weight: 2, arbitrary: edgyString },
  { weight: 1, arbitrary: hugeString },
  { weight: 1, arbitrary: deeplyNested },
  { weight: 1, arbitrary: fc.uint8Array({ maxLength: 64 }) },
  {
    weight: 1,
    arbitrary: fc.constantFrom<unknown>(
      null,
      true,
      0,
      -1,
      1e308,
      Number.MAX_SAFE_INTEGER + 2,
      [],
      {},
      { __proto__: { polluted: true } },
      JSON.parse('{"__proto__": {"polluted": true}}'),
      { constructor: { prototype: { polluted: true } } },
    ),
  },
);

/**
 * A valid object (from `valid`) with one field replaced by junk, dropped, or
 * joined by an extra field; or left valid.
 */
export function broken<T extends Record<string, unknown>>(
  valid: fc.Arbitrary<T>,
): fc.Arbitrary<unknown> {
  return fc.oneof(
    { weight: 2, arbitrary: valid },
    {
      weight: 3,
      arbitrary: fc.tuple(valid, fc.nat(), junk).map(([v, i, j]) => {
        const keys = Object.keys(v);
        return keys.length === 0 ? j : { ...v, [keys[i % keys.length]!]: j };
      }),
    },
    {
      weight: 1,
      arbitrary: fc.tuple(valid, fc.nat()).map(([v, i]) => {
        const keys = Object.keys(v);
        const copy: Record<string, unknown> = { ...v };
        if (keys.length > 0) delete copy[keys[i % keys.length]!];
        return copy;
      }),
    },
    {
      weight: 1,
      arbitrary: fc
        .tuple(valid, fc.string({ maxLength: 12 }), junk)
        .map(([v, k, j]) => ({ ...v, [k]: j })),
    },
    { weight: 1, arbitrary: junk },
  );
}
