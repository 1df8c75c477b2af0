/**
 * PostgreSQL cannot store U+0000 (NUL) in text or jsonb, nor a lone UTF-16
 * surrogate in jsonb: a title, a name or a run's source holding one made an
 * insert fail and the request answer 500 (found by the hostile-input fuzz).
 * No text of ours has a use for either, so both are refused at the edge, in
 * REST bodies, query strings, path parameters, socket payloads and
 * handshakes, naming the field, before anything reaches a schema or the store.
 */
import type { FastifyInstance } from 'fastify';
import { AppError } from '../errors.js';

/** How deep into a payload to look; deeper input fails its schema anyway. */
const MAX_DEPTH = 64;
/** In a `u` regex a surrogate pair is one code point, so this matches lone surrogates only. */
const LONE_SURROGATE = /\p{Cs}/u;

function badText(s: string): string | null {
  if (s.includes('\u0000')) return 'text may not contain the NUL character (U+0000)';
  if (LONE_SURROGATE.test(s)) return 'text must be valid Unicode (it holds a lone surrogate)';
  return null;
}

/** The first string of `value` (or key) that cannot be stored: its path (`a.b.0`, `` for the value itself) and why. */
export function findBadText(value: unknown, depth = 0): { path: string; reason: string } | null {
  if (typeof value === 'string') {
    const reason = badText(value);
    return reason ? { path: '', reason } : null;
  }
  if (typeof value !== 'object' || value === null || depth > MAX_DEPTH) return null;
  if (ArrayBuffer.isView(value)) return null;
  // Keys rather than entries: no pair allocated per field of every request.
  const record = value as Record<string, unknown>;
  for (const key of Object.keys(record)) {
    const keyReason = badText(key);
    if (keyReason) return { path: key, reason: keyReason };
    const found = findBadText(record[key], depth + 1);
    if (found) return { ...found, path: found.path === '' ? key : `${key}.${found.path}` };
  }
  return null;
}

/** Throws VALIDATION_FAILED naming the field when `value` holds text that cannot be stored. */
export function refuseBadText(value: unknown, where = ''): void {
  const found = findBadText(value);
  if (!found) return;
  const named = [where, found.path].filter((p) => p !== '').join(' ');
  throw new AppError(
    'VALIDATION_FAILED',
    `${named || 'the text'}: ${found.reason}`,
    found.path || undefined,
  );
}

/** Refuses such text in every request's params, query string and body, before validation. */
export function installTextGuard(app: FastifyInstance): void {
  // A callback hook (a throw is handled like a rejection): no promise per request.
  app.addHook('preValidation', (request, _reply, done) => {
    refuseBadText(request.params, 'params');
    refuseBadText(request.query, 'querystring');
    refuseBadText(request.body);
    done();
  });
}
