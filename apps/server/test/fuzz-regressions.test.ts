/**
 * What the hostile-input fuzz (test/hostile/) found, one test per finding,
 * named after what broke. Each input is the smallest one that showed it.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { io, type Socket } from 'socket.io-client';
import { TandemApi } from '@tandem/client';
import { PROTOCOL_VERSION, SOCKET_PATH, type ErrorBody } from '@tandem/protocol';
import { rateLimitKey } from '../src/http/rate-limit.js';
import { startServer, tempDir, waitFor, type RunningServer } from './harness.js';
import { rawRequest } from './hostile/raw-http.js';

let server: RunningServer;
let removeDir: () => Promise<void>;
let roomId: string;
const sockets: Socket[] = [];

beforeAll(async () => {
  const tmp = await tempDir();
  removeDir = tmp.remove;
  server = await startServer({ dataDir: tmp.dir });
  roomId = (await new TandemApi(server.url).createRoom({ title: 'regressions' })).id;
});

afterEach(() => {
  for (const s of sockets.splice(0)) s.disconnect();
});

afterAll(async () => {
  await server.stop();
  await removeDir();
});

function raw(auth: Record<string, unknown> = {}): Socket {
  const s = io(server.url, {
    path: SOCKET_PATH,
    transports: ['websocket'],
    reconnection: false,
    auth: { v: PROTOCOL_VERSION, roomId, name: 'Mallory', ...auth },
  });
  sockets.push(s);
  return s;
}

async function joined(): Promise<Socket> {
  const s = raw();
  await new Promise<void>((resolve) => s.once('session:welcome', () => resolve()));
  return s;
}

/** A request over a bare socket, and its one answer as JSON. */
async function http(request: string): Promise<{ status: number; body: ErrorBody }> {
  const result = await rawRequest(server.port, Buffer.from(request, 'latin1'), 10_000);
  const res = result.responses[0];
  if (!res) throw new Error(`no answer (${result.error ?? 'closed'})`);
  return { status: res.status, body: JSON.parse(res.body.toString()) as ErrorBody };
}

describe('socket frames', () => {
  it('an event named by a number (socket.io allows it) killed the node: now UNKNOWN_EVENT', async () => {
    const s = await joined();
    const reply = await s.timeout(5_000).emitWithAck(42 as unknown as 'doc:update', null);
    expect(reply).toMatchObject({ ok: false, code: 'UNKNOWN_EVENT', event: '42' });
    const errors: ErrorBody[] = [];
    s.on('protocol:error', (e: ErrorBody) => errors.push(e));
    s.emit(-1.5 as unknown as 'doc:update', new Uint8Array([1]));
    await waitFor(() => errors.length === 1, 'the refusal');
    expect(errors[0]).toMatchObject({ code: 'UNKNOWN_EVENT', event: '-1.5' });
    expect(s.connected).toBe(true);
  });

  it('an ack passed with awareness:update was never called: now { ok: true }', async () => {
    const s = await joined();
    const { Awareness, encodeAwarenessUpdate } = await import('y-protocols/awareness');
    const { Doc } = await import('yjs');
    const awareness = new Awareness(new Doc());
    awareness.setLocalState({ user: { name: 'Mallory' } });
    const update = encodeAwarenessUpdate(awareness, [awareness.clientID]);
    expect(await s.timeout(5_000).emitWithAck('awareness:update', update)).toEqual({ ok: true });
    awareness.destroy();
  });

  it('a title with U+0000 reached PostgreSQL and the command failed INTERNAL: now VALIDATION_FAILED', async () => {
    const s = await joined();
    const reply = await s
      .timeout(5_000)
      .emitWithAck('room:command', { type: 'set-title', title: 'a\u0000b' });
    expect(reply).toMatchObject({ ok: false, code: 'VALIDATION_FAILED', field: 'title' });
  });

  it('a title with a lone surrogate broke the timeline jsonb insert (INTERNAL): now VALIDATION_FAILED', async () => {
    const s = await joined();
    const reply = await s
      .timeout(5_000)
      .emitWithAck('room:command', { type: 'set-title', title: 'x\ud800' });
    expect(reply).toMatchObject({ ok: false, code: 'VALIDATION_FAILED', field: 'title' });
    const paired = await s.timeout(5_000).emitWithAck('room:command', {
      type: 'set-title',
      title: 'x\ud83d\ude00',
    });
    expect(paired).toMatchObject({ ok: true, room: { title: 'x\ud83d\ude00' } });
  });

  it('a run whose source held U+0000 failed INTERNAL when stored: now VALIDATION_FAILED', async () => {
    const s = await joined();
    const reply = await s
      .timeout(5_000)
      .emitWithAck('run:start', { language: 'python', source: 'print(1)\u0000' });
    expect(reply).toMatchObject({ ok: false, code: 'VALIDATION_FAILED', field: 'source' });
  });

  it('a handshake name with U+0000 would be stored with a run: now refused at the handshake', async () => {
    const s = raw({ name: 'Mal\u0000lory' });
    const err = await new Promise<ErrorBody>((resolve) =>
      s.once('connect_error', (e) => resolve((e as Error & { data: ErrorBody }).data)),
    );
    expect(err).toMatchObject({ code: 'VALIDATION_FAILED', field: 'name' });
  });
});

describe('HTTP requests', () => {
  it('a room title with U+0000 answered 500 (PostgreSQL refused it): now 400 naming the field', async () => {
    const res = await server.app.http.inject({
      method: 'POST',
      url: '/api/rooms',
      payload: { title: 'a\u0000b' },
    });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ code: 'VALIDATION_FAILED', field: 'title' });
  });

  it('a body without a JSON content type answered 415 with VALIDATION_FAILED (a 400 code): now UNSUPPORTED_MEDIA_TYPE', async () => {
    const res = await server.app.http.inject({
      method: 'POST',
      url: '/api/rooms',
      headers: { 'content-type': 'application/xml' },
      payload: '<title>x</title>',
    });
    expect(res.statusCode).toBe(415);
    expect(res.json()).toMatchObject({ code: 'UNSUPPORTED_MEDIA_TYPE' });
  });

  it("a path parameter over 100 characters answered 414 with Fastify's own body: now the catalogue's 400", async () => {
    const res = await server.app.http.inject({
      method: 'GET',
      url: `/api/rooms/${'x'.repeat(101)}`,
    });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ code: 'VALIDATION_FAILED' });
  });

  it("a path with broken percent-encoding answered Fastify's own body: now the catalogue's 400", async () => {
    const res = await server.app.http.inject({ method: 'GET', url: '/api/rooms/%E0%A4%A' });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ code: 'VALIDATION_FAILED' });
  });

  it("bytes that are not HTTP, or two Content-Lengths, got Fastify's own body: now the catalogue's", async () => {
    const garbage = await http('GARBAGE\r\n\r\n');
    expect(garbage.status).toBe(400);
    expect(garbage.body.code).toBe('VALIDATION_FAILED');
    const lying = await http(
      'POST /api/rooms HTTP/1.1\r\nhost: x\r\ncontent-length: -2\r\ncontent-length: 2\r\n\r\n{}',
    );
    expect(lying.status).toBe(400);
    expect(lying.body.code).toBe('VALIDATION_FAILED');
  });

  it("headers over Node's limit answered 431 with Fastify's own body: now HEADERS_TOO_LARGE", async () => {
    const res = await http(`GET /api/rooms?q=${'z'.repeat(20_000)} HTTP/1.1\r\nhost: x\r\n\r\n`);
    expect(res.status).toBe(431);
    expect(res.body.code).toBe('HEADERS_TOO_LARGE');
  });

  it('an OPTIONS request that is not a preflight answered a text/plain 400: now an empty 204 as for any preflight', async () => {
    // The app's own origin but no Access-Control-Request-Method: not a preflight a browser sends.
    const res = await server.app.http.inject({
      method: 'OPTIONS',
      url: '/api/rooms',
      headers: { origin: server.url, host: new URL(server.url).host },
    });
    expect(res.statusCode).toBe(204);
  });

  it('a request whose client hung up has no address, which made the rate limit throw (a 500)', () => {
    expect(rateLimitKey({ ip: undefined as unknown as string })).toBe('disconnected');
    expect(rateLimitKey({ ip: '10.0.0.1' })).toBe('10.0.0.1');
  });
});
