/**
 * PostgreSQL cannot store U+0000 (NUL) in text or jsonb: a title, a name or a
 * run's source holding one made the insert fail and the request answer 500
 * (found by the hostile-input fuzz). No text of ours has a use for it, so it
 * is refused at the edge, in REST bodies, query strings and socket payloads,
 * naming the field, before anything reaches a schema or the store.
 */
import type { FastifyInstance } from 'fastify';
import { AppError } from '../errors.js';

/** How deep into a payload to look; deeper input fails its schema anyway. */
const MAX_DEPTH = 64;

/** The path (`a.b.0`, or `` for the value itself) of the first string holding U+0000, or null. */
export function findNul(value: unknown, depth = 0): string | null {
  if (typeof value === 'string') return value.includes('\u0000') ? '' : null;
  if (typeof value !== 'object' || value === null || depth > MAX_DEPTH) return null;
  if (ArrayBuffer.isView(value)) return null;
  for (const [key, inner] of Object.entries(value)) {
    if (key.includes('\u0000')) return key;
    const found = findNul(inner, depth + 1);
    if (found !== null) return found === '' ? key : `${key}.${found}`;
  }
  return null;
}

/** Throws VALIDATION_FAILED naming the field when `value` holds U+0000 anywhere. */
export function refuseNul(value: unknown, where = ''): void {
  const field = findNul(value);
  if (field === null) return;
  const named = [where, field].filter((p) => p !== '').join(' ');
  throw new AppError(
    'VALIDATION_FAILED',
    `${named || 'the text'}: text may not contain the NUL character (U+0000)`,
    field || undefined,
  );
}

/** Refuses NUL in every request's params, query string and body, before validation. */
export function installNulGuard(app: FastifyInstance): void {
  app.addHook('preValidation', async (request) => {
    refuseNul(request.params, 'params');
    refuseNul(request.query, 'querystring');
    refuseNul(request.body);
  });
}
