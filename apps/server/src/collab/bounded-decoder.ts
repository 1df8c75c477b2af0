import * as Y from 'yjs';
import type { Decoder } from 'lib0/decoding';

/**
 * Structs an update may declare per byte it occupies. Real updates stay near
 * 0.08 (interleaved edits of several people, mass deletions, and the 260k-edit
 * editing trace were measured); 4 leaves a fiftyfold margin.
 */
const STRUCTS_PER_BYTE = 4;
const STRUCTS_SLACK = 1024;

export class UpdateTooComplexError extends Error {
  override name = 'UpdateTooComplexError';
}

/**
 * Yjs's V2 decoder reads struct fields through run-length decoders that can
 * yield values forever without consuming input, so a 34-byte update can
 * declare billions of structs and exhaust the heap (found by fuzzing; it
 * killed the process). Every struct starts with one `readInfo`; counting them
 * against a budget proportional to the update's size bounds the work.
 */
class BoundedUpdateDecoderV2 extends Y.UpdateDecoderV2 {
  private remaining: number;

  constructor(decoder: Decoder) {
    super(decoder);
    this.remaining = decoder.arr.byteLength * STRUCTS_PER_BYTE + STRUCTS_SLACK;
  }

  override readInfo(): number {
    if (--this.remaining < 0)
      throw new UpdateTooComplexError('the update declares more structs than its size allows');
    return super.readInfo();
  }
}

/** `Y.applyUpdateV2` for updates from untrusted peers: bounded work per byte. */
export function applyUntrustedUpdateV2(doc: Y.Doc, update: Uint8Array, origin: unknown): void {
  Y.applyUpdateV2(doc, update, origin, BoundedUpdateDecoderV2);
}
