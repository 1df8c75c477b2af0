/**
 * The provider legs of sign-in against real providers on loopback: an
 * `oidc-provider` OpenID Connect server (Google and generic OIDC path) and a
 * server speaking GitHub's OAuth protocol. Each test is named after the
 * requirement it checks (ASVS V51 OAuth and OIDC).
 */
import crypto from 'node:crypto';
import { CodeChallengeMethod, OAuth2Client, generateCodeVerifier } from 'arctic';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '../../errors.js';
import { followToCallback } from '../../../test/fixtures/browser-redirects.js';
import { startFakeGitHub, type FakeGitHub } from '../../../test/fixtures/fake-github.js';
import { startOidcProvider, type LocalOidcProvider } from '../../../test/fixtures/oidc-provider.js';
import { discover, verifyIdToken } from './oidc.js';
import { OAuthService } from './oauth-service.js';
import type { ProviderConfig } from './providers.js';

const CALLBACK = 'http://127.0.0.1:9/api/auth/oauth/oidc/callback';
const GH_CALLBACK = 'http://127.0.0.1:9/api/auth/oauth/github/callback';
const SECRET = Buffer.from('x'.repeat(40));
/** The challenge of a verifier this flow does not hold. */
const otherChallenge = () =>
  crypto.createHash('sha256').update(generateCodeVerifier()).digest('base64url');
const ada = { sub: 'ada-123', email: 'ada@example.com', emailVerified: true, name: 'Ada Lovelace' };

async function refusal(p: Promise<unknown>): Promise<AppError> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(AppError);
  return err as AppError;
}

let idp: LocalOidcProvider;
let github: FakeGitHub;
let service: OAuthService;

function oidcConfig(issuer = idp.issuer): ProviderConfig {
  return {
    id: 'oidc',
    kind: 'oidc',
    name: 'Test IdP',
    clientId: idp.clientId,
    clientSecret: idp.clientSecret,
    issuer,
  };
}

beforeAll(async () => {
  idp = await startOidcProvider([CALLBACK]);
  github = await startFakeGitHub();
  service = new OAuthService(
    new Map<'oidc' | 'github', ProviderConfig>([
      ['oidc', oidcConfig()],
      [
        'github',
        {
          id: 'github',
          kind: 'github',
          name: 'GitHub',
          clientId: github.clientId,
          clientSecret: github.clientSecret,
          authorizationEndpoint: `${github.url}/login/oauth/authorize`,
          tokenEndpoint: `${github.url}/login/oauth/access_token`,
          apiUrl: github.url,
        },
      ],
    ]),
    SECRET,
  );
});
afterAll(async () => {
  await idp?.stop();
  await github?.stop();
});

/** Starts a flow, lets `tamper` change the authorization URL, and follows the provider back to the callback. */
async function runFlow(provider: 'oidc' | 'github', tamper: (url: URL) => void = () => {}) {
  const { url, cookie } = await service.start(
    provider,
    provider === 'oidc' ? CALLBACK : GH_CALLBACK,
    null,
  );
  tamper(url);
  const back = await followToCallback(url, provider === 'oidc' ? CALLBACK : GH_CALLBACK);
  const query = Object.fromEntries(back.searchParams);
  return { url, cookie, query };
}

describe('OIDC sign-in (Google and generic OIDC) against a real provider', () => {
  it('sends state, a PKCE S256 challenge and a nonce, and returns the verified identity', async () => {
    idp.signInAs(ada);
    const { url, cookie, query } = await runFlow('oidc');
    expect(url.searchParams.get('code_challenge_method')).toBe('S256');
    expect(url.searchParams.get('code_challenge')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(url.searchParams.get('state')).toBeTruthy();
    expect(url.searchParams.get('nonce')).toBeTruthy();
    const { identity, linkTo } = await service.finish('oidc', CALLBACK, query, cookie);
    expect(identity).toEqual({
      provider: 'oidc',
      subject: 'ada-123',
      email: 'ada@example.com',
      displayName: 'Ada Lovelace',
    });
    expect(linkTo).toBeNull();
  });

  it('an email the provider has not verified is not used', async () => {
    idp.signInAs({ ...ada, sub: 'unverified-1', emailVerified: false });
    const { cookie, query } = await runFlow('oidc');
    const { identity } = await service.finish('oidc', CALLBACK, query, cookie);
    expect(identity.email).toBeNull();
  });

  it('state mismatch refused: a callback whose state is not the one this browser started', async () => {
    idp.signInAs(ada);
    const { cookie, query } = await runFlow('oidc');
    const err = await refusal(
      service.finish('oidc', CALLBACK, { ...query, state: 'attacker-state' }, cookie),
    );
    expect(err.code).toBe('OAUTH_STATE_MISMATCH');
  });

  it('state mismatch refused: a callback without the flow cookie (login CSRF)', async () => {
    idp.signInAs(ada);
    const { query } = await runFlow('oidc');
    expect((await refusal(service.finish('oidc', CALLBACK, query, undefined))).code).toBe(
      'OAUTH_STATE_MISMATCH',
    );
  });

  it('state mismatch refused: a forged flow cookie (changed body, same signature)', async () => {
    idp.signInAs(ada);
    const { cookie, query } = await runFlow('oidc');
    const [body, mac] = cookie.split('.');
    const flow = JSON.parse(Buffer.from(body!, 'base64url').toString()) as Record<string, unknown>;
    const forged = `${Buffer.from(JSON.stringify({ ...flow, linkTo: 'victim-account' })).toString('base64url')}.${mac}`;
    expect((await refusal(service.finish('oidc', CALLBACK, query, forged))).code).toBe(
      'OAUTH_STATE_MISMATCH',
    );
  });

  it('state mismatch refused: a flow cookie started for another provider', async () => {
    github.signInAs({ id: 1, login: 'x', name: null, emails: [] });
    const { cookie: githubCookie } = await service.start('github', GH_CALLBACK, null);
    idp.signInAs(ada);
    const { query } = await runFlow('oidc');
    expect((await refusal(service.finish('oidc', CALLBACK, query, githubCookie))).code).toBe(
      'OAUTH_STATE_MISMATCH',
    );
  });

  it('missing PKCE refused: the provider rejects an authorization request without a code challenge', async () => {
    idp.signInAs(ada);
    const { cookie, query } = await runFlow('oidc', (url) => {
      url.searchParams.delete('code_challenge');
      url.searchParams.delete('code_challenge_method');
    });
    expect(query['error']).toBe('invalid_request');
    const err = await refusal(service.finish('oidc', CALLBACK, query, cookie));
    expect(err.code).toBe('OAUTH_PROVIDER_ERROR');
  });

  it("incorrect PKCE refused: a code issued for another challenge cannot be exchanged with this flow's verifier", async () => {
    idp.signInAs(ada);
    const { cookie, query } = await runFlow('oidc', (url) => {
      url.searchParams.set('code_challenge', otherChallenge());
    });
    expect(query['code']).toBeTruthy();
    const err = await refusal(service.finish('oidc', CALLBACK, query, cookie));
    expect(err.code).toBe('OAUTH_PROVIDER_ERROR');
    expect(err.message).toContain('invalid_grant');
  });

  it('nonce mismatch refused: an ID token minted for another nonce (injected code)', async () => {
    idp.signInAs(ada);
    const { cookie, query } = await runFlow('oidc', (url) =>
      url.searchParams.set('nonce', 'attacker-nonce'),
    );
    const err = await refusal(service.finish('oidc', CALLBACK, query, cookie));
    expect(err.code).toBe('OAUTH_ID_TOKEN_INVALID');
    expect(err.message).toContain('nonce');
  });

  it('wrong issuer refused: discovery that names another issuer than the configured one', async () => {
    const elsewhere = new OAuthService(
      new Map([['oidc', oidcConfig(idp.issuer.replace('127.0.0.1', 'localhost'))]]),
      SECRET,
    );
    const err = await refusal(elsewhere.start('oidc', CALLBACK, null));
    expect(err.code).toBe('OAUTH_PROVIDER_ERROR');
    expect(err.message).toMatch(/names issuer http:\/\/127\.0\.0\.1/);
  });
});

describe('ID token checks on a real token from the provider, against its published keys', () => {
  let idToken: string;
  const nonce = 'nonce-for-this-flow';
  beforeAll(async () => {
    idp.signInAs(ada);
    const issuer = await discover(idp.issuer);
    const verifier = generateCodeVerifier();
    const client = new OAuth2Client(idp.clientId, idp.clientSecret, CALLBACK);
    const url = client.createAuthorizationURLWithPKCE(
      issuer.authorizationEndpoint,
      'state-1',
      CodeChallengeMethod.S256,
      verifier,
      ['openid', 'email'],
    );
    url.searchParams.set('nonce', nonce);
    const back = await followToCallback(url, CALLBACK);
    const tokens = await client.validateAuthorizationCode(
      issuer.tokenEndpoint,
      back.searchParams.get('code')!,
      verifier,
    );
    idToken = tokens.idToken();
  });

  const expectations = async () => ({
    issuer: await discover(idp.issuer),
    clientId: idp.clientId,
    nonce,
  });

  it('accepts the token as issued', async () => {
    const claims = await verifyIdToken(idToken, await expectations());
    expect(claims).toMatchObject({ sub: 'ada-123', iss: idp.issuer, aud: idp.clientId, nonce });
  });

  it('wrong issuer refused: a token whose iss is not the configured issuer', async () => {
    const e = await expectations();
    const err = await refusal(
      verifyIdToken(idToken, {
        ...e,
        issuer: { ...e.issuer, issuer: 'https://accounts.google.com' },
      }),
    );
    expect(err.code).toBe('OAUTH_ID_TOKEN_INVALID');
    expect(err.message).toContain('"iss"');
  });

  it('wrong audience refused: a token issued to another client', async () => {
    const err = await refusal(
      verifyIdToken(idToken, { ...(await expectations()), clientId: 'another-client' }),
    );
    expect(err.message).toContain('"aud"');
  });

  it('expired ID token refused', async () => {
    const { exp } = JSON.parse(Buffer.from(idToken.split('.')[1]!, 'base64url').toString()) as {
      exp: number;
    };
    const err = await refusal(
      verifyIdToken(idToken, { ...(await expectations()), now: new Date((exp + 60) * 1000) }),
    );
    expect(err.message).toContain('expired');
  });

  it('a token with a changed payload fails the signature check against the JWKS', async () => {
    const [h, p, s] = idToken.split('.');
    const claims = JSON.parse(Buffer.from(p!, 'base64url').toString()) as Record<string, unknown>;
    const changed = Buffer.from(JSON.stringify({ ...claims, sub: 'admin' })).toString('base64url');
    const err = await refusal(verifyIdToken(`${h}.${changed}.${s}`, await expectations()));
    expect(err.message).toContain('signature');
  });

  it('an unsigned token (alg "none") is refused', async () => {
    const [, p] = idToken.split('.');
    const none = Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url');
    const err = await refusal(verifyIdToken(`${none}.${p}.`, await expectations()));
    expect(err.code).toBe('OAUTH_ID_TOKEN_INVALID');
  });
});

describe("GitHub sign-in against a server speaking GitHub's OAuth protocol", () => {
  const octo = {
    id: 583231,
    login: 'octocat',
    name: 'The Octocat',
    emails: [
      { email: 'old@example.com', primary: false, verified: true },
      { email: 'octo@example.com', primary: true, verified: true },
    ],
  };

  it('uses PKCE and returns the numeric user id as subject and the verified primary email', async () => {
    github.signInAs(octo);
    const { url, cookie, query } = await runFlow('github');
    expect(url.searchParams.get('code_challenge_method')).toBe('S256');
    const { identity } = await service.finish('github', GH_CALLBACK, query, cookie);
    expect(identity).toEqual({
      provider: 'github',
      subject: '583231',
      email: 'octo@example.com',
      displayName: 'The Octocat',
    });
  });

  it('an unverified primary email is not used', async () => {
    github.signInAs({
      ...octo,
      id: 9,
      emails: [{ email: 'x@example.com', primary: true, verified: false }],
    });
    const { cookie, query } = await runFlow('github');
    expect((await service.finish('github', GH_CALLBACK, query, cookie)).identity.email).toBeNull();
  });

  it("incorrect PKCE refused by GitHub's token endpoint", async () => {
    github.signInAs(octo);
    const { cookie, query } = await runFlow('github', (url) =>
      url.searchParams.set('code_challenge', otherChallenge()),
    );
    const err = await refusal(service.finish('github', GH_CALLBACK, query, cookie));
    expect(err.code).toBe('OAUTH_PROVIDER_ERROR');
  });

  it('state mismatch refused', async () => {
    github.signInAs(octo);
    const { cookie, query } = await runFlow('github');
    expect(
      (await refusal(service.finish('github', GH_CALLBACK, { ...query, state: 'x' }, cookie))).code,
    ).toBe('OAUTH_STATE_MISMATCH');
  });

  it('a provider that is not configured is unknown (404), not a crash', async () => {
    expect((await refusal(service.start('google', CALLBACK, null))).code).toBe(
      'OAUTH_PROVIDER_UNKNOWN',
    );
  });
});
