/**
 * Provider sign-in end to end on a real server: a real OIDC provider
 * (`oidc-provider`, as Google and as a generic issuer) and a server speaking
 * GitHub's OAuth protocol, both on loopback. Named after the requirements.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { followToCallback } from './fixtures/browser-redirects.js';
import { startFakeGitHub, type FakeGitHub } from './fixtures/fake-github.js';
import { startOidcProvider, type LocalOidcProvider } from './fixtures/oidc-provider.js';
import { authClient, uniqueEmail } from './auth-client.js';
import { startServer, tempDir, type RunningServer } from './harness.js';

const PUBLIC_URL = 'http://tandem.test';
const callback = (p: string) => `${PUBLIC_URL}/api/auth/oauth/${p}/callback`;

let idp: LocalOidcProvider;
let github: FakeGitHub;
let server: RunningServer;
let remove: () => Promise<void>;

beforeAll(async () => {
  idp = await startOidcProvider([callback('google'), callback('oidc')]);
  github = await startFakeGitHub();
  const tmp = await tempDir();
  remove = tmp.remove;
  server = await startServer({
    dataDir: tmp.dir,
    env: {
      PUBLIC_URL,
      GOOGLE_CLIENT_ID: idp.clientId,
      GOOGLE_CLIENT_SECRET: idp.clientSecret,
      GOOGLE_ISSUER: idp.issuer,
      OIDC_ISSUER: idp.issuer,
      OIDC_CLIENT_ID: idp.clientId,
      OIDC_CLIENT_SECRET: idp.clientSecret,
      OIDC_NAME: 'Acme SSO',
      GITHUB_CLIENT_ID: github.clientId,
      GITHUB_CLIENT_SECRET: github.clientSecret,
      GITHUB_URL: github.url,
      GITHUB_API_URL: github.url,
    },
  });
}, 180_000);
afterAll(async () => {
  await server?.stop();
  await remove?.();
  await idp?.stop();
  await github?.stop();
}, 180_000);

type Client = ReturnType<typeof authClient>;
const browser = () => authClient(server, { origin: PUBLIC_URL });

/** Start → provider → callback, in one browser; returns where the callback redirected. */
async function signInWith(client: Client, provider: string, startUrl?: string): Promise<string> {
  let authorize = startUrl;
  if (!authorize) {
    const start = await client.get(`/api/auth/oauth/${provider}/start`);
    expect(start.statusCode).toBe(302);
    authorize = String(start.headers['location']);
  }
  const back = await followToCallback(authorize, callback(provider));
  const done = await client.get(`${back.pathname}${back.search}`);
  expect(done.statusCode).toBe(302);
  return String(done.headers['location']);
}

async function signedInAccount(client: Client) {
  const res = await client.post('/api/auth/refresh');
  expect(res.statusCode).toBe(200);
  return res.json().account as { id: string; email: string; displayName: string };
}

describe('GET /api/auth/providers', () => {
  it('lists the configured providers with their button names', async () => {
    const res = await browser().get('/api/auth/providers');
    expect(res.json()).toEqual({
      providers: [
        { id: 'github', name: 'GitHub' },
        { id: 'google', name: 'Google' },
        { id: 'oidc', name: 'Acme SSO' },
      ],
    });
  });

  it('with no provider configured the list is empty (no buttons) and start is 404', async () => {
    const tmp = await tempDir();
    const bare = await startServer({ dataDir: tmp.dir });
    try {
      const client = authClient(bare);
      expect((await client.get('/api/auth/providers')).json()).toEqual({ providers: [] });
      const start = await client.get('/api/auth/oauth/github/start');
      expect(start.statusCode).toBe(404);
      expect(start.json().code).toBe('OAUTH_PROVIDER_UNKNOWN');
    } finally {
      await bare.stop();
      await tmp.remove();
    }
  }, 90_000);
});

describe('provider sign-in', () => {
  it('the flow cookie is HttpOnly, SameSite=Lax, scoped to the OAuth routes and short-lived', async () => {
    const start = await browser().get('/api/auth/oauth/google/start');
    const setCookie = String(start.headers['set-cookie']);
    expect(setCookie).toMatch(/^tandem_oauth_flow=/);
    expect(setCookie).toContain('HttpOnly');
    expect(setCookie).toContain('SameSite=Lax');
    expect(setCookie).toContain('Path=/api/auth/oauth/');
    expect(setCookie).toContain('Max-Age=600');
  });

  it('a first Google sign-in creates an account and the same session as a password sign-in; a second reuses it', async () => {
    const email = uniqueEmail();
    idp.signInAs({ sub: `g-${email}`, email, emailVerified: true, name: 'Grace Hopper' });
    const first = browser();
    expect(await signInWith(first, 'google')).toBe('/');
    const account = await signedInAccount(first);
    expect(account).toMatchObject({ email, displayName: 'Grace Hopper' });

    const second = browser();
    expect(await signInWith(second, 'google')).toBe('/');
    expect((await signedInAccount(second)).id).toBe(account.id);
  });

  it('state mismatch refused: a callback in a browser that did not start the flow signs nobody in', async () => {
    const email = uniqueEmail();
    idp.signInAs({ sub: `csrf-${email}`, email, emailVerified: true, name: 'Victim' });
    const attacker = browser();
    const start = await attacker.get('/api/auth/oauth/google/start');
    const victim = browser();
    const location = await signInWith(victim, 'google', String(start.headers['location']));
    expect(location).toBe('/signin?oauth_error=OAUTH_STATE_MISMATCH');
    expect(victim.refreshToken()).toBeUndefined();
  });

  it("same email from another provider does not merge accounts: GitHub with a Google account's email is refused", async () => {
    const email = uniqueEmail();
    idp.signInAs({ sub: `merge-${email}`, email, emailVerified: true, name: 'Ada' });
    const viaGoogle = browser();
    await signInWith(viaGoogle, 'google');
    const googleAccount = await signedInAccount(viaGoogle);

    github.signInAs({
      id: 424242,
      login: 'ada',
      name: 'Ada',
      emails: [{ email, primary: true, verified: true }],
    });
    const viaGitHub = browser();
    expect(await signInWith(viaGitHub, 'github')).toBe('/signin?oauth_error=OAUTH_EMAIL_IN_USE');
    expect(viaGitHub.refreshToken()).toBeUndefined();
    expect(await server.store.identities.find('github', '424242')).toBeNull();
    expect(
      (await server.store.identities.listForUser(googleAccount.id)).map((i) => i.provider),
    ).toEqual(['google']);
  });

  it('an existing password account with the same email is not taken over by a provider sign-in', async () => {
    const owner = browser();
    const { account } = await owner.signUp();
    idp.signInAs({ sub: 'takeover-1', email: account.email, emailVerified: true, name: 'Mallory' });
    const attacker = browser();
    expect(await signInWith(attacker, 'oidc')).toBe('/signin?oauth_error=OAUTH_EMAIL_IN_USE');
    expect(await server.store.identities.listForUser(account.id)).toEqual([]);
  });

  it('a signed-in account links GitHub, then GitHub signs in to that account (linked by provider and subject)', async () => {
    const owner = browser();
    const { account, accessToken } = await owner.signUp();
    github.signInAs({
      id: 777,
      login: 'linker',
      name: null,
      emails: [{ email: 'other@example.com', primary: true, verified: true }],
    });
    const link = await owner.post('/api/auth/oauth/github/link', undefined, accessToken);
    expect(link.statusCode).toBe(200);
    expect(await signInWith(owner, 'github', link.json().url as string)).toBe(
      '/settings?linked=github',
    );

    const later = browser();
    expect(await signInWith(later, 'github')).toBe('/');
    expect((await signedInAccount(later)).id).toBe(account.id);
  });

  it('an identity linked to one account cannot be linked to another', async () => {
    github.signInAs({ id: 777, login: 'linker', name: null, emails: [] });
    const second = browser();
    const { accessToken } = await second.signUp();
    const link = await second.post('/api/auth/oauth/github/link', undefined, accessToken);
    expect(await signInWith(second, 'github', link.json().url as string)).toBe(
      '/settings?oauth_error=OAUTH_ALREADY_LINKED',
    );
  });

  it('linking needs a signed-in account (401)', async () => {
    expect((await browser().post('/api/auth/oauth/github/link')).statusCode).toBe(401);
  });

  it('a provider that confirms no email cannot create an account', async () => {
    github.signInAs({
      id: 31337,
      login: 'noemail',
      name: null,
      emails: [{ email: 'x@example.com', primary: true, verified: false }],
    });
    expect(await signInWith(browser(), 'github')).toBe(
      '/signin?oauth_error=OAUTH_EMAIL_UNVERIFIED',
    );
  });
});
