/** ASVS 2.2.1 (anti-automation): failed sign-ins limited per account and per IP, never for good. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, tempDir, waitFor, type RunningServer } from './harness.js';
import { PASSWORD, authClient, uniqueEmail } from './auth-client.js';

let server: RunningServer;
let remove: () => Promise<void>;

beforeAll(async () => {
  const tmp = await tempDir();
  remove = tmp.remove;
  server = await startServer({
    dataDir: tmp.dir,
    env: {
      SIGNIN_ACCOUNT_LIMIT: '3',
      SIGNIN_IP_LIMIT: '5',
      SIGNIN_WINDOW_SECONDS: '3',
      SIGNUP_IP_LIMIT: '3',
    },
  });
});
afterAll(async () => {
  await server.stop();
  await remove();
});

const attempt = (email: string, password: string, ip: string) =>
  authClient(server, { ip }).post('/api/auth/signin', { email, password });

describe('sign-in limits', () => {
  it('ASVS 2.2.1: past the per-account limit even the right password gets 429 with Retry-After, until the window ends', async () => {
    const email = uniqueEmail();
    await authClient(server).signUp(email);
    // From different IPs, so only the account's limit applies.
    for (let i = 0; i < 3; i++) {
      expect((await attempt(email, 'wrong password!', `10.0.1.${i}`)).statusCode).toBe(401);
    }
    const blocked = await attempt(email, PASSWORD, '10.0.1.99');
    expect(blocked.statusCode).toBe(429);
    expect(blocked.json().code).toBe('RATE_LIMITED');
    const retryAfter = Number(blocked.headers['retry-after']);
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(3);
    // The limit ends: the real user gets in once the window is over.
    await waitFor(
      async () => (await attempt(email, PASSWORD, '10.0.1.99')).statusCode === 200,
      'the account limit to expire',
    );
  });

  it('ASVS 2.2.1: unknown emails are limited like real ones (the limit reveals no account)', async () => {
    const email = uniqueEmail();
    for (let i = 0; i < 3; i++) {
      expect((await attempt(email, 'whatever pass', `10.0.2.${i}`)).statusCode).toBe(401);
    }
    expect((await attempt(email, 'whatever pass', '10.0.2.9')).statusCode).toBe(429);
  });

  it('ASVS 2.2.1: past the per-IP limit (across accounts) that IP gets 429; another IP does not', async () => {
    const ip = '10.0.3.1';
    for (let i = 0; i < 5; i++) {
      expect((await attempt(uniqueEmail(), 'wrong password!', ip)).statusCode).toBe(401);
    }
    const email = uniqueEmail();
    await authClient(server).signUp(email);
    const blocked = await attempt(email, PASSWORD, ip);
    expect(blocked.statusCode).toBe(429);
    expect(Number(blocked.headers['retry-after'])).toBeGreaterThan(0);
    expect((await attempt(email, PASSWORD, '10.0.3.2')).statusCode).toBe(200);
  });
});

describe('sign-up limit', () => {
  it('ASVS 2.2.1: one IP may create SIGNUP_IP_LIMIT accounts an hour, then 429 with Retry-After', async () => {
    const client = authClient(server, { ip: '10.0.4.1' });
    for (let i = 0; i < 3; i++) await client.signUp();
    const res = await client.post('/api/auth/signup', {
      email: uniqueEmail(),
      password: PASSWORD,
      displayName: 'Ada',
    });
    expect(res.statusCode).toBe(429);
    expect(res.json().code).toBe('RATE_LIMITED');
    expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
    expect((await authClient(server, { ip: '10.0.4.2' }).signUp()).account.id).toBeTruthy();
  });
});
