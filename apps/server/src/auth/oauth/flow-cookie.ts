/**
 * The state of one sign-in flow, kept in the browser between the redirect to
 * the provider and the callback: `state`, the PKCE code verifier, the OIDC
 * nonce, and (when linking) the account to link to. The cookie is HttpOnly,
 * SameSite=Lax (it must come back on the provider's top-level redirect), lives
 * ten minutes, and is signed with a key derived from AUTH_SECRET, so a browser
 * can neither read nor forge it and every node can check it.
 */
import crypto from 'node:crypto';
import { z } from 'zod';
import { OAuthProviderIdSchema } from '@tandem/protocol';

export const FLOW_COOKIE = 'tandem_oauth_flow';
export const FLOW_COOKIE_PATH = '/api/auth/oauth/';
export const FLOW_TTL_MS = 10 * 60_000;

const FlowSchema = z.object({
  provider: OAuthProviderIdSchema,
  state: z.string(),
  codeVerifier: z.string(),
  nonce: z.string(),
  /** Set when a signed-in account asked to link this provider. */
  linkTo: z.string().nullable(),
  expiresAt: z.number(),
});
export type Flow = z.infer<typeof FlowSchema>;

export class FlowCookieCodec {
  private readonly key: Buffer;

  constructor(authSecret: Uint8Array) {
    this.key = Buffer.from(
      crypto.hkdfSync('sha256', authSecret, '', 'tandem oauth flow cookie', 32),
    );
  }

  private mac(body: string): string {
    return crypto.createHmac('sha256', this.key).update(body).digest('base64url');
  }

  seal(flow: Flow): string {
    const body = Buffer.from(JSON.stringify(flow)).toString('base64url');
    return `${body}.${this.mac(body)}`;
  }

  /** The flow in the cookie, or null when it is missing, forged, damaged or expired. */
  open(cookie: string | undefined, now = Date.now()): Flow | null {
    if (!cookie) return null;
    const [body, mac] = cookie.split('.');
    if (!body || !mac) return null;
    const expected = Buffer.from(this.mac(body));
    const given = Buffer.from(mac);
    if (given.length !== expected.length || !crypto.timingSafeEqual(given, expected)) return null;
    let parsed;
    try {
      parsed = FlowSchema.safeParse(JSON.parse(Buffer.from(body, 'base64url').toString('utf8')));
    } catch {
      return null;
    }
    if (!parsed.success || parsed.data.expiresAt <= now) return null;
    return parsed.data;
  }
}

/** Constant-time comparison of two strings (state values). */
export function sameString(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && crypto.timingSafeEqual(x, y);
}
