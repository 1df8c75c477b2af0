import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { io, type Socket } from 'socket.io-client';
import { RoomConnection, TandemApi } from '@tandem/client';
import { CLOSE_CODES, PROTOCOL_VERSION, SOCKET_PATH, type ErrorBody } from '@tandem/protocol';
import { HEAP_BOMBS } from './fixtures/heap-bombs.js';
import { startServer, tempDir, waitFor, type RunningServer } from './harness.js';

let server: RunningServer;
let removeDir: () => Promise<void>;
let api: TandemApi;
const sockets: Socket[] = [];
const conns: RoomConnection[] = [];

const MAX_UPDATE = 4096;

beforeAll(async () => {
  const tmp = await tempDir();
  removeDir = tmp.remove;
  server = await startServer({
    dataDir: tmp.dir,
    env: { MAX_UPDATE_BYTES: String(MAX_UPDATE), ABUSE_LIMIT: '5', ROOM_CREATE_LIMIT: '20' },
  });
  api = new TandemApi(server.url);
});

afterEach(() => {
  for (const s of sockets.splice(0)) s.disconnect();
  for (const c of conns.splice(0)) c.destroy();
});

afterAll(async () => {
  await server.stop();
  await removeDir();
});

/** A raw socket speaking whatever we make it speak. */
function rawSocket(auth: Record<string, unknown>): Socket {
  const s = io(server.url, {
    path: SOCKET_PATH,
    transports: ['websocket'],
    reconnection: false,
    auth,
  });
  sockets.push(s);
  return s;
}

function connectError(s: Socket): Promise<ErrorBody> {
  return new Promise((resolve) =>
    s.on('connect_error', (err) => resolve((err as Error & { data: ErrorBody }).data)),
  );
}

async function joinedRaw(roomId: string): Promise<Socket> {
  const s = rawSocket({ v: PROTOCOL_VERSION, roomId, name: 'Mallory' });
  await new Promise<void>((resolve) => s.on('session:welcome', () => resolve()));
  return s;
}

async function editingPair(roomId: string): Promise<[RoomConnection, RoomConnection]> {
  const a = new RoomConnection({ url: server.url, roomId, name: 'Ada', resyncIntervalMs: 0 });
  const b = new RoomConnection({ url: server.url, roomId, name: 'Bob', resyncIntervalMs: 0 });
  conns.push(a, b);
  await Promise.all([a.whenSynced(), b.whenSynced()]);
  return [a, b];
}

/** Proves the room still works for honest people. */
async function stillEditing(a: RoomConnection, b: RoomConnection, marker: string): Promise<void> {
  a.text.insert(a.text.length, marker);
  await a.whenSaved();
  await waitFor(() => b.text.toString().includes(marker), `"${marker}" reaches the other client`);
}

describe('REST input', () => {
  it('an invalid room body is a 400 naming the field', async () => {
    const res = await server.app.http.inject({
      method: 'POST',
      url: '/api/rooms',
      payload: { title: 'x', language: 'cobol' },
    });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ code: 'VALIDATION_FAILED', field: 'language' });
    const empty = await server.app.http.inject({
      method: 'POST',
      url: '/api/rooms',
      payload: { title: '   ' },
    });
    expect(empty.json()).toMatchObject({ code: 'VALIDATION_FAILED', field: 'title' });
  });

  it('a body that is not JSON is a 400, not a 500', async () => {
    const res = await server.app.http.inject({
      method: 'POST',
      url: '/api/rooms',
      headers: { 'content-type': 'application/json' },
      payload: '{"title": ',
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().code).toBe('VALIDATION_FAILED');
  });

  it('an unknown room is a 404 with ROOM_NOT_FOUND; a malformed id is a 400', async () => {
    await expect(api.getRoom('AAAAAAAAAAAAAAAAAAAAAA')).rejects.toMatchObject({
      status: 404,
      code: 'ROOM_NOT_FOUND',
    });
    await expect(api.getRoom('../../etc')).rejects.toMatchObject({ status: 400, field: 'id' });
  });

  it('room creation is rate limited per client with Retry-After', async () => {
    const results: number[] = [];
    for (let i = 0; i < 22; i++) {
      const res = await server.app.http.inject({
        method: 'POST',
        url: '/api/rooms',
        remoteAddress: '10.9.8.7',
        payload: { title: `r${i}` },
      });
      results.push(res.statusCode);
      if (res.statusCode === 429) {
        expect(res.headers['retry-after']).toBeDefined();
        expect(res.json().code).toBe('RATE_LIMITED');
      }
    }
    expect(results.filter((s) => s === 201)).toHaveLength(20);
    expect(results.at(-1)).toBe(429);
    // Someone else is not affected.
    const other = await server.app.http.inject({
      method: 'POST',
      url: '/api/rooms',
      remoteAddress: '10.9.8.8',
      payload: { title: 'ok' },
    });
    expect(other.statusCode).toBe(201);
  });
});

describe('handshake', () => {
  it('another protocol version is refused with PROTOCOL_MISMATCH', async () => {
    const room = await api.createRoom({ title: 'v' });
    const err = await connectError(
      rawSocket({ v: PROTOCOL_VERSION + 1, roomId: room.id, name: 'Old tab' }),
    );
    expect(err.code).toBe('PROTOCOL_MISMATCH');
    expect(err.message).toMatch(/reload/i);
  });

  it('an unknown room is refused with ROOM_NOT_FOUND and the SDK stops retrying', async () => {
    const conn = new RoomConnection({
      url: server.url,
      roomId: 'AAAAAAAAAAAAAAAAAAAAAA',
      name: 'Lost',
    });
    conns.push(conn);
    await expect(conn.whenSynced()).rejects.toMatchObject({ code: 'ROOM_NOT_FOUND' });
    expect(conn.status).toBe('closed');
  });

  it('a missing name is refused naming the field', async () => {
    const room = await api.createRoom({ title: 'n' });
    const err = await connectError(rawSocket({ v: PROTOCOL_VERSION, roomId: room.id, name: '' }));
    expect(err).toMatchObject({ code: 'VALIDATION_FAILED', field: 'name' });
  });
});

describe('socket messages', () => {
  it('an oversized update gets PAYLOAD_TOO_LARGE and the room goes on', async () => {
    const room = await api.createRoom({ title: 'big' });
    const [a, b] = await editingPair(room.id);
    const s = await joinedRaw(room.id);
    const reply = await s.emitWithAck('doc:update', new Uint8Array(MAX_UPDATE + 1));
    expect(reply).toMatchObject({ ok: false, code: 'PAYLOAD_TOO_LARGE', event: 'doc:update' });
    await stillEditing(a, b, 'after-big');
  });

  it('a malformed update gets MALFORMED_UPDATE, and joiners still get the true document', async () => {
    const room = await api.createRoom({ title: 'garbage' });
    const [a, b] = await editingPair(room.id);
    a.text.insert(0, 'def f(): pass');
    await a.whenSaved();
    const s = await joinedRaw(room.id);
    for (const bytes of [
      [1, 2, 3],
      [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 255, 255, 255, 255, 15],
      [255, 255, 255, 255, 255],
    ]) {
      const reply = await s.emitWithAck('doc:update', new Uint8Array(bytes));
      expect(reply).toMatchObject({ ok: false, code: 'MALFORMED_UPDATE' });
    }
    await stillEditing(a, b, ' # ok');
    const c = new RoomConnection({
      url: server.url,
      roomId: room.id,
      name: 'Cy',
      resyncIntervalMs: 0,
    });
    conns.push(c);
    await c.whenSynced();
    expect(c.text.toString()).toBe('def f(): pass # ok');
  });

  it('an update crafted to exhaust the heap is refused and the server keeps serving', async () => {
    const room = await api.createRoom({ title: 'bomb' });
    const [a, b] = await editingPair(room.id);
    const s = await joinedRaw(room.id);
    for (const bomb of HEAP_BOMBS) {
      expect(await s.emitWithAck('doc:update', bomb)).toMatchObject({
        ok: false,
        code: 'MALFORMED_UPDATE',
      });
    }
    await stillEditing(a, b, 'survived');
    const health = await server.app.http.inject({ method: 'GET', url: '/readyz' });
    expect(health.statusCode).toBe(200);
  });

  it('wrong payload types, unknown events and bad commands get error events with codes', async () => {
    const room = await api.createRoom({ title: 'types' });
    const s = await joinedRaw(room.id);
    expect(await s.emitWithAck('doc:update', 'not binary')).toMatchObject({
      ok: false,
      code: 'MALFORMED_MESSAGE',
    });
    expect(await s.emitWithAck('sync:step1', new Uint8Array([255, 255, 255]))).toMatchObject({
      ok: false,
      code: 'MALFORMED_MESSAGE',
    });
    expect(
      await s.emitWithAck('room:command', { type: 'set-language', language: 'brainfuck' }),
    ).toMatchObject({
      ok: false,
      code: 'VALIDATION_FAILED',
      field: 'language',
    });
    const errors: ErrorBody[] = [];
    s.on('protocol:error', (e: ErrorBody) => errors.push(e));
    s.emit('drop:tables', 1);
    s.emit('awareness:update', new Uint8Array([5, 1]));
    await waitFor(() => errors.length === 2, 'two protocol errors');
    expect(errors.map((e) => e.code)).toEqual(['UNKNOWN_EVENT', 'MALFORMED_MESSAGE']);
  });

  it('someone else’s presence cannot be overwritten', async () => {
    const room = await api.createRoom({ title: 'spoof' });
    const [a] = await editingPair(room.id);
    a.awareness.setLocalStateField('user', { name: 'Ada' });
    const s = await joinedRaw(room.id);
    await waitFor(() => server.app.registry.isLoaded(room.id), 'room loaded');
    const session = await server.app.registry.acquire(room.id);
    await waitFor(
      () => session.awareness.getStates().has(a.doc.clientID),
      'Ada present on the server',
    );
    const { encodeAwarenessUpdate, Awareness } = await import('y-protocols/awareness');
    const { Doc } = await import('yjs');
    const fake = new Awareness(new Doc());
    fake.clientID = a.doc.clientID;
    fake.setLocalState({ user: { name: 'Not Ada' } });
    fake.setLocalState({ user: { name: 'Not Ada!' } });
    const errors: ErrorBody[] = [];
    s.on('protocol:error', (e: ErrorBody) => errors.push(e));
    s.emit('awareness:update', encodeAwarenessUpdate(fake, [a.doc.clientID]));
    await waitFor(() => errors.length === 1, 'refusal');
    expect(errors[0]?.code).toBe('FORBIDDEN');
    expect((session.awareness.getStates().get(a.doc.clientID)?.user as { name: string }).name).toBe(
      'Ada',
    );
    fake.destroy();
  });

  it('repeated abuse disconnects the sender with ABUSE, and only the sender', async () => {
    const room = await api.createRoom({ title: 'abuse' });
    const [a, b] = await editingPair(room.id);
    const s = await joinedRaw(room.id);
    const closed = new Promise<{ code: number }>((resolve) => s.on('session:closed', resolve));
    const gone = new Promise<string>((resolve) => s.on('disconnect', resolve));
    for (let i = 0; i < 10; i++) s.emit('nonsense', i);
    expect((await closed).code).toBe(CLOSE_CODES.ABUSE);
    expect(await gone).toBe('io server disconnect');
    expect(a.status).toBe('connected');
    await stillEditing(a, b, 'still here');
  });
});
