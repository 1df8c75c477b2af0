/**
 * OpenID Connect: the issuer's discovery document, and the checks on an ID
 * token — signature against the issuer's published keys (JWKS), `iss`, `aud`
 * (and `azp` when there are several audiences), `exp`, and the flow's `nonce`.
 */
import { createRemoteJWKSet, errors as joseErrors, jwtVerify, type JWTPayload } from 'jose';
import { z } from 'zod';
import { AppError } from '../../errors.js';

const DiscoverySchema = z.object({
  issuer: z.string(),
  authorization_endpoint: z.string().url(),
  token_endpoint: z.string().url(),
  jwks_uri: z.string().url(),
  userinfo_endpoint: z.string().url().optional(),
});

export interface OidcIssuer {
  issuer: string;
  authorizationEndpoint: string;
  tokenEndpoint: string;
  userinfoEndpoint: string | undefined;
  keys: ReturnType<typeof createRemoteJWKSet>;
}

/** Asymmetric algorithms only: an HS256 token would be "signed" with the client secret, `none` not at all. */
const ALGORITHMS = [
  'RS256',
  'RS384',
  'RS512',
  'PS256',
  'PS384',
  'PS512',
  'ES256',
  'ES384',
  'EdDSA',
];

/** Fetches the issuer's discovery document; the issuer it names must be exactly the configured one. */
export async function discover(issuer: string): Promise<OidcIssuer> {
  const where = `${issuer.replace(/\/+$/, '')}/.well-known/openid-configuration`;
  const response = await fetch(where, { signal: AbortSignal.timeout(10_000) });
  if (!response.ok) throw new Error(`OIDC discovery at ${where} answered ${response.status}`);
  const doc = DiscoverySchema.parse(await response.json());
  if (doc.issuer !== issuer) {
    throw new Error(`OIDC discovery at ${where} names issuer ${doc.issuer}, expected ${issuer}`);
  }
  return {
    issuer: doc.issuer,
    authorizationEndpoint: doc.authorization_endpoint,
    tokenEndpoint: doc.token_endpoint,
    userinfoEndpoint: doc.userinfo_endpoint,
    keys: createRemoteJWKSet(new URL(doc.jwks_uri)),
  };
}

export interface IdTokenExpectations {
  issuer: OidcIssuer;
  clientId: string;
  nonce: string;
  /** For tests of expiry; the real clock otherwise. */
  now?: Date;
}

function refuse(reason: string): AppError {
  return new AppError(
    'OAUTH_ID_TOKEN_INVALID',
    `The ID token was refused: ${reason}. Start again from the sign-in page.`,
  );
}

/** Verifies an ID token and returns its claims; throws OAUTH_ID_TOKEN_INVALID naming the failed check. */
export async function verifyIdToken(
  token: string,
  expect: IdTokenExpectations,
): Promise<JWTPayload> {
  let payload: JWTPayload;
  try {
    ({ payload } = await jwtVerify(token, expect.issuer.keys, {
      issuer: expect.issuer.issuer,
      audience: expect.clientId,
      algorithms: ALGORITHMS,
      requiredClaims: ['sub', 'exp', 'iat'],
      clockTolerance: 30,
      ...(expect.now ? { currentDate: expect.now } : {}),
    }));
  } catch (err) {
    if (err instanceof joseErrors.JWTExpired) throw refuse('it has expired');
    if (err instanceof joseErrors.JWTClaimValidationFailed) {
      throw refuse(`its "${err.claim}" claim is wrong`);
    }
    if (
      err instanceof joseErrors.JWSSignatureVerificationFailed ||
      err instanceof joseErrors.JWKSNoMatchingKey
    ) {
      throw refuse("its signature does not match the provider's keys");
    }
    if (err instanceof joseErrors.JOSEAlgNotAllowed)
      throw refuse('it uses an algorithm that is not allowed');
    throw refuse('it is malformed');
  }
  if (Array.isArray(payload.aud) && payload.aud.length > 1 && payload['azp'] !== expect.clientId) {
    throw refuse('it was issued to another client ("azp")');
  }
  if (payload['nonce'] !== expect.nonce) throw refuse('its nonce does not belong to this sign-in');
  return payload;
}

const UserinfoSchema = z.object({
  sub: z.string(),
  email: z.string().optional(),
  email_verified: z.boolean().optional(),
  name: z.string().optional(),
});

/**
 * The claims an ID token did not carry (many providers put `email` only in
 * userinfo), from the userinfo endpoint; its `sub` must be the token's.
 */
export async function fetchUserinfo(
  issuer: OidcIssuer,
  accessToken: string,
  subject: string,
): Promise<z.infer<typeof UserinfoSchema> | null> {
  if (!issuer.userinfoEndpoint) return null;
  const response = await fetch(issuer.userinfoEndpoint, {
    headers: { authorization: `Bearer ${accessToken}`, accept: 'application/json' },
    signal: AbortSignal.timeout(10_000),
  });
  if (!response.ok) return null;
  const info = UserinfoSchema.safeParse(await response.json());
  return info.success && info.data.sub === subject ? info.data : null;
}
