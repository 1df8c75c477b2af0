/**
 * Cookies, parsed only where they are read. `@fastify/cookie` parses the
 * Cookie header of every request in an `onRequest` hook by default; here it
 * is registered without that hook (`hook: false`: `setCookie` and
 * `clearCookie` work as before, `request.cookies` stays null) and the few
 * readers, the refresh cookie of the session routes and the OAuth flow
 * cookie, call `requestCookie`. A room read, or any call with a bearer
 * token, never looks at a cookie. Lint refuses `request.cookies` elsewhere.
 */
import cookie from '@fastify/cookie';
import type { FastifyInstance, FastifyRequest } from 'fastify';

export async function installCookies(http: FastifyInstance): Promise<void> {
  await http.register(cookie, { hook: false });
}

/** The value of the request's cookie `name`, the header parsed on first use. */
export function requestCookie(request: FastifyRequest, name: string): string | undefined {
  /* eslint-disable no-restricted-properties -- the one place that fills request.cookies */
  const parsed = request.cookies as FastifyRequest['cookies'] | null;
  if (parsed !== null) return parsed[name];
  const header = request.headers.cookie;
  request.cookies = header === undefined ? {} : request.server.parseCookie(header);
  return request.cookies[name];
  /* eslint-enable no-restricted-properties */
}
