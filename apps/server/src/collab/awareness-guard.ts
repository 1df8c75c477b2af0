import * as decoding from 'lib0/decoding';
import { AppError } from '../errors.js';

/**
 * Reads the client ids an awareness update touches, without applying it.
 * The y-protocols encoding is: count, then per entry clientID, clock, JSON state.
 * Throws MALFORMED_MESSAGE when the bytes are not such an update.
 */
export function awarenessClientIds(update: Uint8Array): number[] {
  try {
    const decoder = decoding.createDecoder(update);
    const count = decoding.readVarUint(decoder);
    if (count > 10_000) throw new Error('too many entries');
    const ids: number[] = [];
    for (let i = 0; i < count; i++) {
      ids.push(decoding.readVarUint(decoder));
      decoding.readVarUint(decoder);
      const state = decoding.readVarString(decoder);
      JSON.parse(state);
    }
    if (decoding.hasContent(decoder)) throw new Error('trailing bytes');
    return ids;
  } catch {
    throw new AppError('MALFORMED_MESSAGE', 'the awareness update could not be decoded');
  }
}
