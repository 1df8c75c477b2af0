/**
 * Accounts over REST, on both stores: sign-up, sign-in, /api/me and settings,
 * refresh rotation, sign-out, and the socket handshake's access token.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RoomConnection, TandemApi } from '@tandem/client';
import { startServer, tempDir, waitFor, type RunningServer } from './harness.js';
import { createTestDatabase } from '../src/store/store.contract-postgres.js';
import { authClient, uniqueEmail, PASSWORD } from './auth-client.js';

const backends = [
  { name: 'PGlite', env: async () => ({ env: {}, cleanup: async () => {} }) },
  {
    name: 'PostgreSQL',
    env: async () => {
      const db = await createTestDatabase();
      return { env: { DATABASE_URL: db.url }, cleanup: db.drop };
    },
  },
];

describe.each(backends)('accounts on $name', (backend) => {
  let server: RunningServer;
  let cleanup: () => Promise<void>;

  beforeAll(async () => {
    const tmp = await tempDir();
    const { env, cleanup: dropDb } = await backend.env();
    server = await startServer({ dataDir: tmp.dir, env });
    cleanup = async () => {
      await server.stop();
      await dropDb();
      await tmp.remove();
    };
  });
  afterAll(async () => cleanup?.());

  it('signs up (201, account, access token, refresh cookie), then /api/me answers for the token', async () => {
    const client = authClient(server);
    const email = uniqueEmail();
    const res = await client.post('/api/auth/signup', {
      email,
      password: PASSWORD,
      displayName: 'Ada Lovelace',
    });
    expect(res.statusCode).toBe(201);
    const body = res.json();
    expect(body.account).toMatchObject({
      email,
      displayName: 'Ada Lovelace',
      twoFactorEnabled: false,
    });
    expect(Date.parse(body.accessTokenExpiresAt)).toBeGreaterThan(Date.now());
    expect(client.refreshToken()).toBeTruthy();

    const me = await client.get('/api/me', body.accessToken);
    expect(me.statusCode).toBe(200);
    expect(me.json()).toMatchObject({
      account: { id: body.account.id, email },
      settings: { displayName: 'Ada Lovelace', preferredLanguage: null, editor: { tabSize: 4 } },
    });
  });

  it('refuses a second sign-up for the same email in another case with 409 EMAIL_TAKEN', async () => {
    const email = uniqueEmail();
    const client = authClient(server);
    await client.signUp(email);
    const again = await client.post('/api/auth/signup', {
      email: email.toUpperCase(),
      password: PASSWORD,
      displayName: 'Eve',
    });
    expect(again.statusCode).toBe(409);
    expect(again.json()).toMatchObject({ code: 'EMAIL_TAKEN', field: 'email' });
  });

  it('signs in with the right password in any email case; a wrong one or an unknown email is 401 INVALID_CREDENTIALS', async () => {
    const email = uniqueEmail();
    await authClient(server).signUp(email);
    const ok = await authClient(server).post('/api/auth/signin', {
      email: email.toUpperCase(),
      password: PASSWORD,
    });
    expect(ok.statusCode).toBe(200);
    expect(ok.json().account.email).toBe(email);
    for (const attempt of [
      { email, password: `${PASSWORD}x` },
      { email: uniqueEmail(), password: PASSWORD },
    ]) {
      const res = await authClient(server).post('/api/auth/signin', attempt);
      expect(res.statusCode).toBe(401);
      expect(res.json().code).toBe('INVALID_CREDENTIALS');
    }
  });

  it('names the field of a bad sign-up body with 400', async () => {
    const res = await authClient(server).post('/api/auth/signup', {
      email: 'not-an-email',
      password: PASSWORD,
      displayName: 'x',
    });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ code: 'VALIDATION_FAILED', field: 'email' });
  });

  it('saves settings atomically and returns them from /api/me; without a token it is 401', async () => {
    const client = authClient(server);
    const { accessToken } = await client.signUp();
    const settings = {
      displayName: 'Ada L.',
      preferredLanguage: 'python',
      editor: { fontSize: 16, tabSize: 2, lineWrapping: true },
    };
    const saved = await client.put('/api/me/settings', settings, accessToken);
    expect(saved.statusCode).toBe(200);
    expect(saved.json().settings).toEqual(settings);
    expect(saved.json().account.displayName).toBe('Ada L.');
    expect((await client.get('/api/me', accessToken)).json().settings).toEqual(settings);

    const bad = await client.put(
      '/api/me/settings',
      { ...settings, editor: { ...settings.editor, fontSize: 99 } },
      accessToken,
    );
    expect(bad.statusCode).toBe(400);
    expect(bad.json().field).toBe('editor.fontSize');
    const anonymous = await client.get('/api/me');
    expect(anonymous.statusCode).toBe(401);
    expect(anonymous.json().code).toBe('UNAUTHENTICATED');
  });

  it('refresh answers a new access token and rotates the cookie; sign-out ends the access token at once', async () => {
    const client = authClient(server);
    const first = await client.signUp();
    const cookieBefore = client.refreshToken();
    const refreshed = await client.post('/api/auth/refresh');
    expect(refreshed.statusCode).toBe(200);
    expect(client.refreshToken()).not.toBe(cookieBefore);
    const { accessToken } = refreshed.json();
    expect((await client.get('/api/me', accessToken)).statusCode).toBe(200);

    const out = await client.post('/api/auth/signout');
    expect(out.json()).toEqual({ signedOut: true, sessions: 1 });
    expect(client.refreshToken()).toBe('');
    for (const token of [accessToken, first.accessToken]) {
      expect((await client.get('/api/me', token)).statusCode).toBe(401);
    }
  });

  it('the SDK signs up, reads /api/me with its bearer token and saves settings against a listening server', async () => {
    let token: string | null = null;
    const api = new TandemApi(server.url, fetch, { accessToken: () => token });
    const session = await api.signUp({
      email: uniqueEmail(),
      password: PASSWORD,
      displayName: 'Sdk',
    });
    token = session.accessToken;
    expect((await api.me()).account.id).toBe(session.account.id);
    const me = await api.saveSettings({
      displayName: 'Sdk 2',
      preferredLanguage: null,
      editor: { fontSize: 12, tabSize: 8, lineWrapping: false },
    });
    expect(me.settings.displayName).toBe('Sdk 2');
  });

  it('a socket handshake with an access token carries the account; a bad token is refused with SESSION_EXPIRED', async () => {
    const client = authClient(server);
    const { accessToken, account } = await client.signUp();
    const room = await new TandemApi(server.url).createRoom({ title: 'Auth', language: 'python' });
    const conn = new RoomConnection({
      url: server.url,
      roomId: room.id,
      name: 'Ada',
      accessToken: () => accessToken,
      resyncIntervalMs: 0,
    });
    const bad = new RoomConnection({
      url: server.url,
      roomId: room.id,
      name: 'Eve',
      accessToken: () => `${accessToken}x`,
      resyncIntervalMs: 0,
      socket: { reconnection: false },
    });
    try {
      await conn.whenSynced();
      const sockets = await server.app.io.in(room.id).fetchSockets();
      expect(sockets.map((s) => s.data.account?.id)).toContain(account.id);
      await waitFor(() => bad.lastError !== null, 'the bad token to be refused');
      expect(bad.lastError?.code).toBe('SESSION_EXPIRED');
    } finally {
      conn.destroy();
      bad.destroy();
    }
  });
});
