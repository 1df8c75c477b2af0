/** ASVS 4.2.2 / 13.2.3 (CSRF), 14.5.3 (CORS allowlist), 14.4 (security headers), CSWSH on sockets. */
import { io } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROTOCOL_VERSION, SOCKET_PATH } from '@tandem/protocol';
import { TandemApi } from '@tandem/client';
import { startServer, tempDir, type RunningServer } from './harness.js';
import { authClient } from './auth-client.js';

const APP = 'https://tandem.example';
const PARTNER = 'https://partner.example';
const EVIL = 'https://evil.example';

let server: RunningServer;
let remove: () => Promise<void>;

beforeAll(async () => {
  const tmp = await tempDir();
  remove = tmp.remove;
  server = await startServer({
    dataDir: tmp.dir,
    env: { PUBLIC_URL: APP, ALLOWED_ORIGINS: `${APP},${PARTNER}` },
  });
});
afterAll(async () => {
  await server.stop();
  await remove();
});

describe('CSRF on the cookie routes', () => {
  it('ASVS 4.2.2: refresh and sign-out need X-Tandem-Request and an allowed Origin', async () => {
    const client = authClient(server, { origin: APP });
    await client.signUp();
    for (const url of ['/api/auth/refresh', '/api/auth/signout', '/api/auth/signout-all']) {
      const noHeader = await client.post(url, undefined, undefined, { 'x-tandem-request': '' });
      expect(noHeader.statusCode, url).toBe(403);
      expect(noHeader.json().code, url).toBe('CSRF_REJECTED');
      const evil = await client.post(url, undefined, undefined, { origin: EVIL });
      expect(evil.statusCode, url).toBe(403);
    }
    // The session survived every refused attempt.
    expect((await client.post('/api/auth/refresh')).statusCode).toBe(200);
  });

  it('ASVS 4.2.2: without Origin only Sec-Fetch-Site: same-origin is accepted', async () => {
    const client = authClient(server, { origin: APP });
    await client.signUp();
    const send = (headers: Record<string, string>) =>
      server.app.http.inject({
        method: 'POST',
        url: '/api/auth/refresh',
        headers: { 'x-tandem-request': '1', ...headers },
        cookies: Object.fromEntries(client.jar),
      });
    const bare = await send({});
    expect(bare.statusCode).toBe(403);
    expect(bare.json().code).toBe('CSRF_REJECTED');
    expect((await send({ 'sec-fetch-site': 'cross-site' })).statusCode).toBe(403);
    expect((await send({ 'sec-fetch-site': 'same-origin' })).statusCode).toBe(200);
  });
});

describe('CORS and Origin checks over HTTP', () => {
  it('ASVS 14.5.3: a preflight from an allowed origin gets CORS headers with credentials; another origin none', async () => {
    const preflight = (origin: string) =>
      server.app.http.inject({
        method: 'OPTIONS',
        url: '/api/auth/refresh',
        headers: {
          origin,
          'access-control-request-method': 'POST',
          'access-control-request-headers': 'x-tandem-request,content-type',
        },
      });
    const ok = await preflight(PARTNER);
    expect(ok.headers['access-control-allow-origin']).toBe(PARTNER);
    expect(ok.headers['access-control-allow-credentials']).toBe('true');
    const evil = await preflight(EVIL);
    expect(evil.headers['access-control-allow-origin']).toBeUndefined();
    expect(evil.headers['access-control-allow-credentials']).toBeUndefined();
  });

  it('ASVS 14.5.3: a preflight is answered 204 with its methods and lifetime; a refused one is a catalogued 404; every answer varies on Origin', async () => {
    const preflight = (origin: string) =>
      server.app.http.inject({
        method: 'OPTIONS',
        url: '/api/rooms',
        headers: { origin, 'access-control-request-method': 'POST' },
      });
    const ok = await preflight(PARTNER);
    expect(ok.statusCode).toBe(204);
    expect(ok.body).toBe('');
    expect(ok.headers['access-control-allow-methods']).toBe('GET, HEAD, POST, PUT, PATCH, DELETE');
    expect(ok.headers['access-control-max-age']).toBe('600');
    expect(ok.headers['access-control-allow-headers']).toBeUndefined();
    expect(ok.headers['vary']).toBe('Origin, Access-Control-Request-Headers');
    const evil = await preflight(EVIL);
    expect(evil.statusCode).toBe(404);
    expect(evil.json().code).toBe('NOT_FOUND');
    expect(evil.headers['vary']).toBe('Origin');
    const plain = await server.app.http.inject({ method: 'GET', url: '/healthz' });
    expect(plain.headers['vary']).toBe('Origin');
  });

  it('ASVS 14.5.3: never answers a wildcard, and a simple cross-origin POST is refused with ORIGIN_NOT_ALLOWED', async () => {
    const get = await server.app.http.inject({
      method: 'GET',
      url: '/healthz',
      headers: { origin: EVIL },
    });
    expect(get.headers['access-control-allow-origin']).toBeUndefined();
    const post = await server.app.http.inject({
      method: 'POST',
      url: '/api/rooms',
      headers: { origin: EVIL, 'content-type': 'application/json' },
      payload: { title: 'Forged' },
    });
    expect(post.statusCode).toBe(403);
    expect(post.json().code).toBe('ORIGIN_NOT_ALLOWED');
    const allowed = await server.app.http.inject({
      method: 'POST',
      url: '/api/rooms',
      headers: { origin: APP, 'content-type': 'application/json' },
      payload: { title: 'Fine' },
    });
    expect(allowed.statusCode).toBe(201);
    expect(allowed.headers['access-control-allow-origin']).toBe(APP);
  });

  it('ASVS 14.4.3/14.4.6/14.4.7: security headers: CSP, nosniff, frame-ancestors none, no referrer', async () => {
    const res = await server.app.http.inject({ method: 'GET', url: '/healthz' });
    const csp = String(res.headers['content-security-policy']);
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("object-src 'none'");
    expect(csp).not.toMatch(/script-src[^;]*unsafe-inline/);
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['referrer-policy']).toBe('no-referrer');
  });
});

describe('Origin check on the socket handshake', () => {
  function handshake(origin: string | undefined, roomId: string) {
    const socket = io(server.url, {
      path: SOCKET_PATH,
      transports: ['websocket'],
      reconnection: false,
      extraHeaders: origin === undefined ? {} : { origin },
      auth: { v: PROTOCOL_VERSION, roomId, name: 'Probe' },
    });
    return new Promise<string>((resolve) => {
      socket.on('connect', () => {
        socket.disconnect();
        resolve('connected');
      });
      socket.on('connect_error', (err) => {
        socket.disconnect();
        resolve(`refused: ${err.message}`);
      });
    });
  }

  it('CSWSH: a handshake from an origin outside the allowlist is refused; allowed or no Origin connects', async () => {
    const room = await new TandemApi(server.url).createRoom({ title: 'Origins' });
    expect(await handshake(EVIL, room.id)).toMatch(/^refused/);
    expect(await handshake(APP, room.id)).toBe('connected');
    expect(await handshake(PARTNER, room.id)).toBe('connected');
    expect(await handshake(undefined, room.id)).toBe('connected');
  });
});
