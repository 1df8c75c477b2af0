import { errorBody } from '@tandem/protocol';
import { TandemError } from './errors.js';

/** Binary frames arrive as ArrayBuffer in browsers and Buffer in Node; anything else is refused. */
export function bytes(data: unknown): Uint8Array {
  if (data instanceof Uint8Array) return data;
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  throw new TandemError(errorBody('MALFORMED_MESSAGE', 'expected a binary payload'));
}
