import { describe, expect, it } from 'vitest';
import * as encoding from 'lib0/encoding';
import { Awareness, applyAwarenessUpdate, encodeAwarenessUpdate } from 'y-protocols/awareness';
import * as Y from 'yjs';
import { awarenessClientIds } from './awareness-guard.js';

describe('awarenessClientIds', () => {
  it('reads the client ids of a real awareness update', () => {
    const a = new Awareness(new Y.Doc());
    a.setLocalState({ user: { name: 'Ada' } });
    expect(awarenessClientIds(encodeAwarenessUpdate(a, [a.clientID]))).toEqual([a.clientID]);
    a.destroy();
  });

  it.each([
    ['empty', []],
    ['truncated', [1, 5]],
    ['bad JSON', [1, 1, 1, 3, 123, 123, 123]],
    ['trailing bytes', [0, 7]],
    ['absurd count', [255, 255, 255, 255, 1]],
  ])('refuses %s input with MALFORMED_MESSAGE', (_name, bytes) => {
    expect(() => awarenessClientIds(new Uint8Array(bytes))).toThrow(
      expect.objectContaining({ code: 'MALFORMED_MESSAGE' }),
    );
  });

  it('refuses a state nested deeper than 32 levels, which y-protocols cannot compare', () => {
    const nested = (depth: number) => '['.repeat(depth) + ']'.repeat(depth);
    const update = (state: string) => {
      const encoder = encoding.createEncoder();
      encoding.writeVarUint(encoder, 1);
      encoding.writeVarUint(encoder, 7);
      encoding.writeVarUint(encoder, 1);
      encoding.writeVarString(encoder, state);
      return encoding.toUint8Array(encoder);
    };
    expect(awarenessClientIds(update(nested(32)))).toEqual([7]);
    expect(() => awarenessClientIds(update(nested(33)))).toThrow(
      expect.objectContaining({ code: 'MALFORMED_MESSAGE' }),
    );
    // What the check keeps out: applying such a state twice overflows the stack.
    const a = new Awareness(new Y.Doc());
    const deep = update(nested(20_000));
    applyAwarenessUpdate(a, deep, null);
    const again = update(nested(20_000)).slice();
    again[2] = 2; // a newer clock, so the states are compared
    expect(() => applyAwarenessUpdate(a, again, null)).toThrow(RangeError);
    a.destroy();
  });
});
