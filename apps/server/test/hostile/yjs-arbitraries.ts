/**
 * fast-check arbitraries for the binary payloads of the protocol: Yjs
 * updates (V2, as the protocol wants, and V1, which it does not), state
 * vectors and y-protocols awareness updates, each valid or mutated.
 */
import fc from 'fast-check';
import * as Y from 'yjs';
import * as encoding from 'lib0/encoding';
import { Awareness, encodeAwarenessUpdate } from 'y-protocols/awareness';
import { DOC_TEXT_KEY } from '@tandem/protocol';

type Edit =
  | { kind: 'insert'; at: number; text: string }
  | { kind: 'delete'; at: number; length: number }
  | { kind: 'map'; key: string; value: unknown }
  | { kind: 'array'; values: unknown[] };

const jsonValue = fc.jsonValue({ maxDepth: 2 });

const edit: fc.Arbitrary<Edit> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant('insert' as const),
      at: fc.nat(200),
      text: fc.string({ unit: 'grapheme', maxLength: 40 }),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('delete' as const),
      at: fc.nat(200),
      length: fc.nat(30),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('map' as const),
      key: fc.string({ maxLength: 8 }),
      value: jsonValue,
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('array' as const),
      values: fc.array(jsonValue, { maxLength: 4 }),
    }),
  },
);

/** The updates one editing session produces, plus the whole document as one update. */
function editingSession(edits: Edit[], v1: boolean): Uint8Array[] {
  const doc = new Y.Doc();
  const out: Uint8Array[] = [];
  doc.on(v1 ? 'update' : 'updateV2', (u: Uint8Array) => out.push(u));
  const text = doc.getText(DOC_TEXT_KEY);
  for (const e of edits) {
    if (e.kind === 'insert') text.insert(Math.min(e.at, text.length), e.text);
    else if (e.kind === 'delete') {
      const at = Math.min(e.at, text.length);
      text.delete(at, Math.min(e.length, text.length - at));
    } else if (e.kind === 'map') doc.getMap('fuzz-map').set(e.key, e.value);
    else doc.getArray('fuzz-array').push(e.values);
  }
  out.push(v1 ? Y.encodeStateAsUpdate(doc) : Y.encodeStateAsUpdateV2(doc));
  doc.destroy();
  return out.filter((u) => u.byteLength > 0);
}

/** Byte-level damage: flips, overwrites, truncation, insertion, duplication, splices. */
export function mutated(base: fc.Arbitrary<Uint8Array>): fc.Arbitrary<Uint8Array> {
  const op = fc.oneof(
    fc.record({
      op: fc.constant('set' as const),
      at: fc.nat(),
      byte: fc.integer({ min: 0, max: 255 }),
    }),
    fc.record({
      op: fc.constant('flip' as const),
      at: fc.nat(),
      bit: fc.integer({ min: 0, max: 7 }),
    }),
    fc.record({ op: fc.constant('truncate' as const), at: fc.nat() }),
    fc.record({
      op: fc.constant('insert' as const),
      at: fc.nat(),
      bytes: fc.uint8Array({ maxLength: 8 }),
    }),
    fc.record({ op: fc.constant('varint' as const), at: fc.nat() }),
    fc.record({ op: fc.constant('repeat' as const), times: fc.integer({ min: 2, max: 4 }) }),
  );
  return fc.tuple(base, fc.array(op, { minLength: 1, maxLength: 4 })).map(([bytes, ops]) => {
    let b = Array.from(bytes);
    for (const o of ops) {
      const at = b.length === 0 ? 0 : ('at' in o ? o.at : 0) % b.length;
      if (o.op === 'set') b[at] = o.byte;
      else if (o.op === 'flip') b[at] = (b[at] ?? 0) ^ (1 << o.bit);
      else if (o.op === 'truncate') b = b.slice(0, at);
      else if (o.op === 'insert') b.splice(at, 0, ...o.bytes);
      // A huge varint (a length or a count of billions).
      else if (o.op === 'varint') b.splice(at, 0, 0xff, 0xff, 0xff, 0xff, 0x0f);
      else b = Array.from({ length: o.times }, () => b).flat();
    }
    return new Uint8Array(b);
  });
}

const sessionUpdate = (v1: boolean) =>
  fc.tuple(fc.array(edit, { minLength: 1, maxLength: 12 }), fc.nat()).map(([edits, pick]) => {
    const updates = editingSession(edits, v1);
    return updates[pick % updates.length] ?? new Uint8Array([0, 0]);
  });

/** A Yjs V2 update as the protocol wants it, or V1, or damaged, or noise. */
export const yjsUpdate: fc.Arbitrary<Uint8Array> = fc.oneof(
  { weight: 3, arbitrary: sessionUpdate(false) },
  { weight: 1, arbitrary: sessionUpdate(true) },
  { weight: 5, arbitrary: mutated(sessionUpdate(false)) },
  { weight: 1, arbitrary: mutated(sessionUpdate(true)) },
  { weight: 1, arbitrary: fc.uint8Array({ maxLength: 64 }) },
);

/** A state vector: real, damaged, or noise. */
export const stateVector: fc.Arbitrary<Uint8Array> = fc.oneof(
  {
    weight: 3,
    arbitrary: fc.array(edit, { maxLength: 6 }).map((edits) => {
      const doc = new Y.Doc();
      for (const u of editingSession(edits, false)) Y.applyUpdateV2(doc, u);
      const sv = Y.encodeStateVector(doc);
      doc.destroy();
      return sv;
    }),
  },
  {
    weight: 2,
    arbitrary: fc
      .array(fc.tuple(fc.nat(), fc.nat()), { maxLength: 8 })
      .map((entries) => Y.encodeStateVector(new Map(entries))),
  },
  { weight: 3, arbitrary: mutated(fc.constant(new Uint8Array([1, 5, 3]))) },
  { weight: 2, arbitrary: fc.uint8Array({ maxLength: 32 }) },
);

/**
 * An awareness update: real ones (the sender's own client id, or anyone's),
 * hand-encoded ones with any JSON (or not-JSON) state, damaged ones, noise.
 */
export const awarenessUpdate: fc.Arbitrary<Uint8Array> = (() => {
  const real = fc
    .tuple(fc.integer({ min: 1, max: 2 ** 31 }), fc.jsonValue({ maxDepth: 3 }))
    .map(([clientID, state]) => {
      const awareness = new Awareness(new Y.Doc());
      awareness.clientID = clientID;
      awareness.setLocalState({ user: state });
      const update = encodeAwarenessUpdate(awareness, [clientID]);
      awareness.destroy();
      return update;
    });
  const entry = fc.record({
    clientID: fc.oneof(fc.nat(), fc.constant(2 ** 32 - 1), fc.constant(0)),
    clock: fc.oneof(fc.nat(), fc.constant(2 ** 40)),
    state: fc.oneof(
      fc.json({ maxDepth: 4 }),
      fc.constant('null'),
      fc.string({ maxLength: 20 }),
      fc.constant('{"user":'),
      fc.constant(`${'['.repeat(5_000)}${']'.repeat(5_000)}`),
    ),
  });
  const handmade = fc.array(entry, { maxLength: 5 }).map((entries) => {
    const e = encoding.createEncoder();
    encoding.writeVarUint(e, entries.length);
    for (const x of entries) {
      encoding.writeVarUint(e, x.clientID);
      encoding.writeVarUint(e, x.clock);
      encoding.writeVarString(e, x.state);
    }
    return encoding.toUint8Array(e);
  });
  return fc.oneof(
    { weight: 3, arbitrary: real },
    { weight: 3, arbitrary: handmade },
    { weight: 3, arbitrary: mutated(real) },
    { weight: 1, arbitrary: fc.uint8Array({ maxLength: 32 }) },
  );
})();
