/** ASVS V3 (session management) and V3.5 (token-based sessions). */
import { generateKeyPair, SignJWT, decodeJwt, base64url } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, tempDir, type RunningServer } from './harness.js';
import { authClient } from './auth-client.js';

const SECRET = 'test-secret-that-is-at-least-32-characters-long';
let server: RunningServer;
let remove: () => Promise<void>;

beforeAll(async () => {
  const tmp = await tempDir();
  remove = tmp.remove;
  server = await startServer({ dataDir: tmp.dir, env: { AUTH_SECRET: SECRET } });
});
afterAll(async () => {
  await server.stop();
  await remove();
});

const key = new TextEncoder().encode(SECRET);

async function forge(
  claims: { sub: string; sid: string },
  options: { aud?: string; iss?: string; exp?: number } = {},
) {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ sid: claims.sid })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(claims.sub)
    .setIssuer(options.iss ?? 'tandem')
    .setAudience(options.aud ?? 'tandem-api')
    .setIssuedAt(now)
    .setExpirationTime(options.exp ?? now + 600)
    .sign(key);
}

describe('access tokens', () => {
  it('ASVS 3.5.3: a correctly signed token of a live session is accepted (control for the refusals below)', async () => {
    const client = authClient(server);
    const { accessToken } = await client.signUp();
    const claims = decodeJwt(accessToken) as { sub: string; sid: string };
    expect((await client.get('/api/me', await forge(claims))).statusCode).toBe(200);
  });

  it('ASVS 3.5.3: refuses alg none, RS256, another audience or issuer, an expired token and a wrong key', async () => {
    const client = authClient(server);
    const { accessToken } = await client.signUp();
    const claims = decodeJwt(accessToken) as { sub: string; sid: string };
    const now = Math.floor(Date.now() / 1000);
    const payload = base64url.encode(
      JSON.stringify({ ...claims, iss: 'tandem', aud: 'tandem-api', exp: now + 600 }),
    );
    const none = `${base64url.encode(JSON.stringify({ alg: 'none', typ: 'JWT' }))}.${payload}.`;
    const { privateKey } = await generateKeyPair('RS256');
    const rs256 = await new SignJWT({ sid: claims.sid })
      .setProtectedHeader({ alg: 'RS256' })
      .setSubject(claims.sub)
      .setIssuer('tandem')
      .setAudience('tandem-api')
      .setExpirationTime(now + 600)
      .sign(privateKey);
    const wrongKey = await new SignJWT({ sid: claims.sid })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject(claims.sub)
      .setIssuer('tandem')
      .setAudience('tandem-api')
      .setExpirationTime(now + 600)
      .sign(new TextEncoder().encode('another-secret-of-at-least-32-characters!!'));
    const refused = {
      none,
      rs256,
      wrongKey,
      otherAudience: await forge(claims, { aud: 'another-api' }),
      otherIssuer: await forge(claims, { iss: 'https://evil.example' }),
      expired: await forge(claims, { exp: now - 5 }),
      tampered: `${accessToken.slice(0, -2)}xx`,
    };
    for (const [name, token] of Object.entries(refused)) {
      const res = await client.get('/api/me', token);
      expect(res.statusCode, name).toBe(401);
      expect(res.json().code, name).toBe('UNAUTHENTICATED');
    }
  });

  it('ASVS 3.3.1: sign-out makes the access token unusable at once (before it expires)', async () => {
    const client = authClient(server);
    const { accessToken } = await client.signUp();
    expect((await client.get('/api/me', accessToken)).statusCode).toBe(200);
    expect((await client.post('/api/auth/signout')).statusCode).toBe(200);
    expect((await client.get('/api/me', accessToken)).statusCode).toBe(401);
    expect((await client.post('/api/auth/refresh')).statusCode).toBe(401);
  });

  it('ASVS 3.3.4: sign-out-all ends every session of the account, on every device, and no one else’s', async () => {
    const laptop = authClient(server);
    const { account, accessToken: laptopToken } = await laptop.signUp();
    const phone = authClient(server);
    const phoneSession = await phone.post('/api/auth/signin', {
      email: account.email,
      password: 'correct horse battery staple',
    });
    const someoneElse = authClient(server);
    const other = await someoneElse.signUp();

    const res = await phone.post('/api/auth/signout-all');
    expect(res.json()).toEqual({ signedOut: true, sessions: 2 });
    expect((await laptop.get('/api/me', laptopToken)).statusCode).toBe(401);
    expect((await phone.get('/api/me', phoneSession.json().accessToken)).statusCode).toBe(401);
    expect((await laptop.post('/api/auth/refresh')).statusCode).toBe(401);
    expect((await someoneElse.get('/api/me', other.accessToken)).statusCode).toBe(200);
  });
});

describe('refresh tokens', () => {
  it('ASVS 3.2.1/3.5.2: each refresh rotates the refresh token; reusing a rotated one revokes the whole family', async () => {
    const client = authClient(server);
    await client.signUp();
    const first = client.refreshToken()!;
    const second = await client.post('/api/auth/refresh');
    expect(second.statusCode).toBe(200);
    const current = client.refreshToken()!;
    expect(current).not.toBe(first);
    const third = await client.post('/api/auth/refresh');
    expect(third.statusCode).toBe(200);
    const liveToken = third.json().accessToken as string;
    expect((await client.get('/api/me', liveToken)).statusCode).toBe(200);

    // An attacker replays the first (stolen) cookie.
    const thief = authClient(server);
    thief.jar.set('tandem_refresh', first);
    const replay = await thief.post('/api/auth/refresh');
    expect(replay.statusCode).toBe(401);
    expect(replay.json().code).toBe('SESSION_EXPIRED');

    // The whole family is gone: the owner's current cookie and access token too.
    expect((await client.get('/api/me', liveToken)).statusCode).toBe(401);
    expect((await client.post('/api/auth/refresh')).statusCode).toBe(401);
  });

  it('ASVS 3.4.1-3.4.5: the refresh cookie is HttpOnly, SameSite=Strict, Path=/ and expires with the session', async () => {
    const client = authClient(server);
    const res = await client.post('/api/auth/signup', {
      email: `c-${Date.now()}@example.com`,
      password: 'correct horse battery staple',
      displayName: 'Ada',
    });
    const cookie = String(res.headers['set-cookie']);
    expect(cookie).toMatch(/^tandem_refresh=/);
    expect(cookie).toMatch(/; HttpOnly/i);
    expect(cookie).toMatch(/; SameSite=Strict/i);
    expect(cookie).toMatch(/; Path=\//);
    expect(cookie).not.toMatch(/; Secure/i); // plain HTTP here: see the HTTPS test
    const expires = Date.parse(/Expires=([^;]+)/i.exec(cookie)?.[1] ?? '');
    expect(expires - Date.now()).toBeGreaterThan(29 * 86_400_000);
    expect(expires - Date.now()).toBeLessThanOrEqual(30 * 86_400_000);
    // The token never appears in a body a script can read.
    expect(JSON.stringify(res.json())).not.toContain(client.refreshToken()!);
  });
});

describe('behind HTTPS (PUBLIC_URL https)', () => {
  let https: RunningServer;
  let removeHttps: () => Promise<void>;
  beforeAll(async () => {
    const tmp = await tempDir();
    removeHttps = tmp.remove;
    https = await startServer({
      dataDir: tmp.dir,
      env: { PUBLIC_URL: 'https://tandem.example', AUTH_SECRET: SECRET },
    });
  });
  afterAll(async () => {
    await https?.stop();
    await removeHttps?.();
  });

  it('ASVS 3.4.1/3.4.4: the refresh cookie is __Host- prefixed and Secure, and refresh reads it back', async () => {
    const client = authClient(https, { origin: 'https://tandem.example' });
    await client.signUp();
    expect([...client.jar.keys()]).toEqual(['__Host-tandem_refresh']);
    const res = await client.post('/api/auth/refresh');
    expect(res.statusCode).toBe(200);
    const cookie = String(res.headers['set-cookie']);
    expect(cookie).toMatch(/^__Host-tandem_refresh=/);
    expect(cookie).toMatch(/; Secure/i);
    expect(cookie).toMatch(/; Path=\//);
    expect(cookie).not.toMatch(/Domain=/i);
    expect(decodeJwt(res.json().accessToken).iss).toBe('https://tandem.example');
    expect(res.headers['strict-transport-security']).toMatch(/max-age=\d+/);
  });
});
