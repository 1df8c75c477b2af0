import { describe, expect, it } from 'vitest';
import { Awareness, encodeAwarenessUpdate } from 'y-protocols/awareness';
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
});
