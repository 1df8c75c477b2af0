/**
 * Browser-facing defences shared by every route: security headers (helmet,
 * with a CSP the web app works under), CORS for the allowed origins only, and
 * a refusal of state-changing requests from any other origin. The socket
 * handshake applies the same origin rule (`socketOriginAllowed`).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FastifyInstance } from 'fastify';
import helmet, { type HelmetOptions } from 'helmet';
import type { Config } from '../config.js';
import { AppError } from '../errors.js';
import { isAllowedOrigin, requestOrigin } from '../auth/origin.js';
import { CORS_HEADERS, allowOrigin, routeOptions } from './cors.js';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * The headers `helmet(options)` sets, worked out once. Ours depend on the
 * configuration only (no nonce, no per-request directive), and
 * `@fastify/helmet` rebuilt the whole middleware, CSP parsing included, on
 * every request: about a tenth of a `GET /api/rooms/:id`'s CPU.
 */
export function helmetHeaders(options: Readonly<HelmetOptions>): ReadonlyArray<[string, string]> {
  const headers: [string, string][] = [];
  const recorder = {
    setHeader: (name: string, value: string) => headers.push([name, value]),
    // Only X-Powered-By, which neither Node nor Fastify sets.
    removeHeader: () => {},
  };
  let finished = false;
  helmet(options)({} as IncomingMessage, recorder as unknown as ServerResponse, (err) => {
    if (err) throw err;
    finished = true;
  });
  if (!finished) throw new Error('helmet no longer sets its headers synchronously');
  return headers;
}

export async function installSecurity(http: FastifyInstance, config: Config): Promise<void> {
  const https = config.publicUrl?.startsWith('https:') ?? false;
  const headers = helmetHeaders({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        // CodeMirror and React set inline styles; no script can run from them.
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:'],
        connectSrc: ["'self'"],
        fontSrc: ["'self'"],
        objectSrc: ["'none'"],
        baseUri: ["'self'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
        ...(https && { upgradeInsecureRequests: [] }),
      },
    },
    // Over plain HTTP (a laptop) HSTS would be ignored, and wrong if ever honoured.
    strictTransportSecurity: https ? { maxAge: 31_536_000, includeSubDomains: false } : false,
    referrerPolicy: { policy: 'no-referrer' },
  });
  // Before any route's own header, which wins (an upload's CSP). Reply headers rather than
  // one raw setHeader each (as helmet did): Fastify hands them to writeHead in one object.
  const securityHeaders = { ...Object.fromEntries(headers), ...CORS_HEADERS };
  // One hook for the headers, CORS and the origin refusal: every hook in the chain
  // costs every request, and most requests (no Origin) need the headers alone.
  http.addHook('onRequest', (request, reply, done) => {
    reply.headers(securityHeaders);
    const origin = request.headers.origin;
    if (origin === undefined) {
      done();
      return;
    }
    if (isAllowedOrigin(config, origin, requestOrigin(request))) {
      if (!allowOrigin(request, reply, origin)) done();
      return;
    }
    // A cross-site page can still send a "simple" POST without a preflight; refuse it here.
    if (SAFE_METHODS.has(request.method)) done();
    else done(new AppError('ORIGIN_NOT_ALLOWED', `Requests from ${origin} are not allowed.`));
  });
  routeOptions(http);
}

/**
 * Socket.IO's `allowRequest`: a browser always names its page's origin on a
 * WebSocket handshake (and on cross-origin polling), so a handshake with an
 * origin outside the allowlist is refused. Without `Origin` it is not a
 * cross-site browser request (a same-origin poll, or a non-browser client).
 */
export function socketOriginAllowed(config: Config, req: IncomingMessage): boolean {
  const origin = req.headers.origin;
  if (origin === undefined) return true;
  const forwarded = config.trustProxy ? req.headers['x-forwarded-proto'] : undefined;
  const proto =
    typeof forwarded === 'string'
      ? (forwarded.split(',')[0]?.trim() ?? 'http')
      : (req.socket as { encrypted?: boolean }).encrypted
        ? 'https'
        : 'http';
  return isAllowedOrigin(config, origin, `${proto}://${req.headers.host ?? ''}`);
}
