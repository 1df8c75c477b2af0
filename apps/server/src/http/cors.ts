/**
 * CORS for the allowed origins only (`isAllowedOrigin`, asked by the one
 * `onRequest` hook of `installSecurity`), with credentials.
 * What `@fastify/cors` did with our options, without building and copying
 * its option objects on every request (a few percent of a room read's CPU):
 * every answer varies on Origin; an allowed origin gets its Origin reflected
 * and credentials allowed; an OPTIONS request from an allowed origin is
 * answered 204 as a preflight right here (before any route's own hooks),
 * any other OPTIONS request is a 404. A non-preflight OPTIONS is answered
 * like a preflight rather than refused outside the error catalogue.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

const ALLOWED_METHODS = 'GET, HEAD, POST, PUT, PATCH, DELETE';
/** How long a browser may keep a preflight's answer, in seconds. */
const PREFLIGHT_MAX_AGE = '600';

/** Adds `field` to the response's Vary header unless it is there already (or Vary is `*`). */
function varyOn(reply: FastifyReply, field: string): void {
  const current = reply.getHeader('vary');
  if (!current) {
    reply.header('vary', field);
    return;
  }
  const value = Array.isArray(current) ? current.join(', ') : String(current);
  const fields = value.split(',').map((f) => f.trim().toLowerCase());
  if (fields.includes('*') || fields.includes(field.toLowerCase())) return;
  reply.header('vary', `${value}, ${field}`);
}

/**
 * Headers every answer carries, set with the security headers in one go
 * (`installSecurity`), before `allowOrigin` and any route's own headers.
 */
export const CORS_HEADERS: Readonly<Record<string, string>> = { vary: 'Origin' };

/**
 * The CORS answer to a request from an allowed `origin` (the caller checks
 * it), on a reply that has `CORS_HEADERS` already. True when the request is
 * a preflight and has been answered here; the hook then stops.
 */
export function allowOrigin(request: FastifyRequest, reply: FastifyReply, origin: string): boolean {
  reply.header('access-control-allow-origin', origin);
  reply.header('access-control-allow-credentials', 'true');
  if (request.method !== 'OPTIONS') return false;
  reply.header('access-control-allow-methods', ALLOWED_METHODS);
  varyOn(reply, 'Access-Control-Request-Headers');
  const asked = request.headers['access-control-request-headers'];
  if (asked !== undefined) reply.header('access-control-allow-headers', asked);
  reply.header('access-control-max-age', PREFLIGHT_MAX_AGE);
  // Browsers wait for a body on a 204 without Content-Length (Safari).
  void reply.code(204).header('content-length', '0').send();
  return true;
}

/** Routes every OPTIONS request; the preflights `allowOrigin` did not answer are not ours. */
export function routeOptions(http: FastifyInstance): void {
  http.options('*', { schema: { hide: true } }, (_request, reply) => {
    reply.callNotFound();
  });
}
