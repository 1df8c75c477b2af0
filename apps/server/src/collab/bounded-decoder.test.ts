import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { HEAP_BOMBS } from '../../test/fixtures/heap-bombs.js';
import { UpdateTooComplexError, applyUntrustedUpdateV2 } from './bounded-decoder.js';

describe('applyUntrustedUpdateV2', () => {
  it.each(HEAP_BOMBS.map((b) => [Buffer.from(b).toString('hex'), b] as const))(
    'refuses the heap bomb %s, quickly',
    (_hex, bomb) => {
      const started = performance.now();
      expect(() => applyUntrustedUpdateV2(new Y.Doc(), bomb, null)).toThrow(UpdateTooComplexError);
      // A loose bound: the point is "returns at all" (unbounded, it ran out of heap after 30 s).
      expect(performance.now() - started).toBeLessThan(5_000);
    },
  );

  it('applies real updates, including a large multi-author state, exactly like Yjs', () => {
    const docs = [new Y.Doc(), new Y.Doc(), new Y.Doc()];
    for (let round = 0; round < 200; round++) {
      for (const d of docs)
        d.getText('code').insert(round % (d.getText('code').length + 1), `${d.clientID % 7}`);
      if (round % 5 === 0) {
        const states = docs.map((d) => Y.encodeStateAsUpdateV2(d));
        for (const d of docs) for (const s of states) Y.applyUpdateV2(d, s);
      }
    }
    docs[0]!.getText('code').delete(3, 40);
    const state = Y.encodeStateAsUpdateV2(docs[0]!);
    const replica = new Y.Doc();
    applyUntrustedUpdateV2(replica, state, null);
    expect(replica.getText('code').toString()).toBe(docs[0]!.getText('code').toString());
  });
});
