/**
 * Which browser origins may talk to the API and open sockets: ALLOWED_ORIGINS,
 * else the PUBLIC_URL origin, else the origin the request itself was sent to
 * (same origin). The CORS policy, the socket handshake check and the CSRF
 * guard all ask `isAllowedOrigin`, so they can never disagree.
 */
import type { FastifyRequest } from 'fastify';
import { CSRF_HEADER } from '@tandem/protocol';
import type { Config } from '../config.js';
import { AppError } from '../errors.js';

export type OriginConfig = Pick<Config, 'allowedOrigins' | 'publicUrl'>;

/** The configured allowlist, or null when it is "the request's own origin". */
export function originAllowlist(config: OriginConfig): readonly string[] | null {
  if (config.allowedOrigins !== undefined && config.allowedOrigins.length > 0) {
    return config.allowedOrigins;
  }
  return config.publicUrl === undefined ? null : [new URL(config.publicUrl).origin];
}

/**
 * True when `origin` may act on this server. `ownOrigin` is the scheme and
 * host the request was addressed to (used only without a configured list).
 */
export function isAllowedOrigin(config: OriginConfig, origin: string, ownOrigin: string): boolean {
  const list = originAllowlist(config);
  return list === null ? origin === ownOrigin : list.includes(origin);
}

export function requestOrigin(request: FastifyRequest): string {
  return `${request.protocol}://${request.host}`;
}

/** Whether this request reached us over HTTPS, as far as cookies are concerned. */
export function isSecureContext(
  config: Pick<Config, 'publicUrl'>,
  request: FastifyRequest,
): boolean {
  return config.publicUrl !== undefined
    ? config.publicUrl.startsWith('https:')
    : request.protocol === 'https';
}

/**
 * The CSRF guard of cookie-authenticated routes: the request must carry our
 * custom header (which a cross-site form cannot send, and which a cross-site
 * script can only send after a CORS preflight we refuse) AND come from an
 * allowed origin (`Origin`, or `Sec-Fetch-Site: same-origin` when a browser
 * leaves `Origin` out). Throws CSRF_REJECTED.
 */
export function assertSameSiteRequest(config: OriginConfig, request: FastifyRequest): void {
  if (request.headers[CSRF_HEADER] !== '1') {
    throw new AppError('CSRF_REJECTED', `The request must carry the header ${CSRF_HEADER}: 1.`);
  }
  const origin = request.headers.origin;
  if (origin !== undefined) {
    if (!isAllowedOrigin(config, origin, requestOrigin(request))) {
      throw new AppError('CSRF_REJECTED', `Requests from ${origin} are not allowed.`);
    }
    return;
  }
  if (request.headers['sec-fetch-site'] !== 'same-origin') {
    throw new AppError('CSRF_REJECTED', 'The request must say where it came from (Origin header).');
  }
}
