/**
 * Browser-facing defences shared by every route: security headers (helmet,
 * with a CSP the web app works under), CORS for the allowed origins only, and
 * a refusal of state-changing requests from any other origin. The socket
 * handshake applies the same origin rule (`socketOriginAllowed`).
 */
import type { IncomingMessage } from 'node:http';
import type { FastifyInstance } from 'fastify';
import cors from '@fastify/cors';
import helmet from '@fastify/helmet';
import type { Config } from '../config.js';
import { AppError } from '../errors.js';
import { isAllowedOrigin, requestOrigin } from '../auth/origin.js';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export async function installSecurity(http: FastifyInstance, config: Config): Promise<void> {
  const https = config.publicUrl?.startsWith('https:') ?? false;
  await http.register(helmet, {
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

  await http.register(cors, {
    hook: 'onRequest',
    delegator: (request, callback) => {
      const origin = request.headers.origin;
      const allowed =
        origin !== undefined && isAllowedOrigin(config, origin, requestOrigin(request));
      callback(null, {
        origin: allowed ? origin : false,
        credentials: true,
        methods: ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'],
        maxAge: 600,
        // An OPTIONS request that is not a real preflight got a text/plain 400 outside the
        // catalogue; it is answered like any preflight instead (CORS headers for allowed origins only).
        strictPreflight: false,
      });
    },
  });

  // A cross-site page can still send a "simple" POST without a preflight; refuse it here.
  http.addHook('onRequest', async (request) => {
    const origin = request.headers.origin;
    if (origin === undefined || SAFE_METHODS.has(request.method)) return;
    if (!isAllowedOrigin(config, origin, requestOrigin(request))) {
      throw new AppError('ORIGIN_NOT_ALLOWED', `Requests from ${origin} are not allowed.`);
    }
  });
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
