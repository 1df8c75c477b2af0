import * as decoding from 'lib0/decoding';
import { AppError } from '../errors.js';

/**
 * How deep a presence state may nest. Ours is about 4 deep (user, cursor);
 * y-protocols compares states with a recursive deep equality, which a state
 * thousands of levels deep overflows (found by the socket-frame fuzz).
 */
const MAX_STATE_DEPTH = 32;

/** Whether a parsed JSON value nests deeper than `max`, walked without recursion. */
function deeperThan(value: unknown, max: number): boolean {
  const stack: [unknown, number][] = [[value, 1]];
  while (stack.length > 0) {
    const [v, depth] = stack.pop()!;
    if (typeof v !== 'object' || v === null) continue;
    if (depth > max) return true;
    for (const child of Object.values(v)) stack.push([child, depth + 1]);
  }
  return false;
}

/**
 * Reads the client ids an awareness update touches, without applying it.
 * The y-protocols encoding is: count, then per entry clientID, clock, JSON state.
 * Throws MALFORMED_MESSAGE when the bytes are not such an update, or a state
 * nests deeper than MAX_STATE_DEPTH.
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
      if (deeperThan(JSON.parse(state), MAX_STATE_DEPTH)) throw new Error('state too deep');
    }
    if (decoding.hasContent(decoder)) throw new Error('trailing bytes');
    return ids;
  } catch {
    throw new AppError('MALFORMED_MESSAGE', 'the awareness update could not be decoded');
  }
}
