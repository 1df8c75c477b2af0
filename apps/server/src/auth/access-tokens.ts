/**
 * Access tokens: short-lived JWTs, HS256 only, with issuer, audience and
 * expiry checked on every verification. They name the account (`sub`) and the
 * session (`sid`); the session is checked against the store on every use, so
 * signing out ends a token at once.
 */
import { SignJWT, jwtVerify } from 'jose';

export const ACCESS_TOKEN_ALG = 'HS256';
export const ACCESS_TOKEN_AUDIENCE = 'tandem-api';

export interface AccessClaims {
  userId: string;
  sessionId: string;
}

export class AccessTokens {
  constructor(
    private readonly key: Uint8Array,
    /** The issuer claim: the PUBLIC_URL origin, or `tandem`. */
    readonly issuer: string,
    private readonly ttlSeconds: number,
  ) {}

  async sign(claims: AccessClaims, now = new Date()): Promise<{ token: string; expiresAt: Date }> {
    const iat = Math.floor(now.getTime() / 1000);
    const exp = iat + this.ttlSeconds;
    const token = await new SignJWT({ sid: claims.sessionId })
      .setProtectedHeader({ alg: ACCESS_TOKEN_ALG, typ: 'JWT' })
      .setSubject(claims.userId)
      .setIssuer(this.issuer)
      .setAudience(ACCESS_TOKEN_AUDIENCE)
      .setIssuedAt(iat)
      .setExpirationTime(exp)
      .sign(this.key);
    return { token, expiresAt: new Date(exp * 1000) };
  }

  /** The claims of a valid token, or null for anything else (bad signature, algorithm, issuer, audience, expired). */
  async verify(token: string): Promise<AccessClaims | null> {
    try {
      const { payload } = await jwtVerify(token, this.key, {
        algorithms: [ACCESS_TOKEN_ALG],
        issuer: this.issuer,
        audience: ACCESS_TOKEN_AUDIENCE,
        requiredClaims: ['sub', 'sid', 'exp'],
      });
      if (typeof payload.sub !== 'string' || typeof payload['sid'] !== 'string') return null;
      return { userId: payload.sub, sessionId: payload['sid'] };
    } catch {
      return null;
    }
  }
}
