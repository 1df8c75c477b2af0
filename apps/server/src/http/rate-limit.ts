import type { FastifyRequest } from 'fastify';

/**
 * The key each rate limit counts by: the client's address. A client that hung
 * up before the limit ran has none left (`request.ip` is undefined), which
 * made the plugin's default key throw and the request log a 500 (found by
 * the hostile-input fuzz); such a request cannot be answered anyway.
 */
export function rateLimitKey(request: Pick<FastifyRequest, 'ip'>): string {
  return (request.ip as string | undefined) ?? 'disconnected';
}
