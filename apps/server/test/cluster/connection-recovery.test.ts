/**
 * Connection-state recovery across nodes (the Redis Streams adapter): a
 * socket that dropped on one node and comes back on another is sent what it
 * missed, if it still stands where it stood, and nothing otherwise. The
 * client is a raw socket.io-client presenting its session id and last
 * offset, as socket.io-client does on every reconnect, to the node of the
 * test's choosing.
 */
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { io, type Socket } from 'socket.io-client';
import { PROTOCOL_VERSION, SOCKET_PATH } from '@tandem/protocol';
import { TandemApi } from '@tandem/client';
import { waitFor } from '../harness.js';
import { CONNECT, CONNECT_ERROR, Wire } from '../wire.js';
import { post, signUp } from './accounts.js';
import { TestClients } from './clients.js';
import { REDIS_URL, startCluster, type TestCluster } from './harness.js';

let cluster: TestCluster;
let redis: Redis;
const clients = new TestClients();
const raws: Socket[] = [];

beforeAll(async () => {
  cluster = await startCluster({ size: 2 });
  redis = new Redis(REDIS_URL);
}, 180_000);

afterEach(() => {
  clients.destroyAll();
  for (const s of raws.splice(0)) s.disconnect();
});

afterAll(async () => {
  redis?.disconnect();
  await cluster?.stop();
});

/** A socket that never reconnects by itself, with everything it receives recorded. */
function raw(url: string, auth: Record<string, unknown>): { socket: Socket; wire: Wire } {
  const socket = io(url, {
    path: SOCKET_PATH,
    transports: ['websocket'],
    reconnection: false,
    auth: { v: PROTOCOL_VERSION, name: 'Away', ...auth },
  });
  raws.push(socket);
  return { socket, wire: new Wire(socket.io) };
}

/**
 * Joins `roomId` on `url` and waits until a room broadcast (sent by `poke`)
 * has given it an offset to resume from.
 */
async function joinWithOffset(
  url: string,
  roomId: string,
  poke: () => void,
  auth: Record<string, unknown> = {},
) {
  const away = raw(url, { roomId, ...auth });
  await waitFor(() => away.socket.connected, 'the socket to join');
  poke();
  await waitFor(() => away.wire.session().offset !== undefined, 'an offset to resume from');
  return away;
}

/** Resolves once the node the socket was on has kept its session in Redis. */
async function keptInRedis(pid: string): Promise<void> {
  const key = `${cluster.redisPrefix}:sio:session:${pid}`;
  await waitFor(async () => (await redis.exists(key)) === 1, 'the session to be kept in Redis');
}

describe('a socket that dropped on one node and comes back on the other', () => {
  it('is recovered there, with the same id, and sent the edits and room changes it missed', async () => {
    const [a, b] = cluster.nodes;
    const room = await new TandemApi(cluster.url).createRoom({ title: 'Moved', language: 'go' });
    const writer = clients.connect(b!.url, room.id, 'Writer');
    await writer.whenSynced();
    const away = await joinWithOffset(a!.url, room.id, () => writer.text.insert(0, 'before; '));
    const { sid, pid, offset } = away.wire.session();

    away.socket.io.engine.close();
    await keptInRedis(pid);
    writer.text.insert(writer.text.length, 'GAP-EDIT');
    await writer.whenSaved();
    await writer.setLanguage('rust');

    const back = raw(b!.url, { roomId: room.id, pid, offset });
    await waitFor(() => back.socket.connected, 'the socket to be back');
    expect(back.wire.answer(0)).toMatchObject({ type: CONNECT, data: { sid, pid } });
    expect(back.wire.replayed(0)).toEqual(expect.arrayContaining(['doc:update', 'room:state']));
    // The handshake ran again: the welcome follows the replay.
    expect(back.wire.events(0)).toContain('session:welcome');
  });

  it('whose sign-in ended meanwhile (signed out on the other node) is refused and sent nothing', async () => {
    const [a, b] = cluster.nodes;
    const ada = await signUp(b!.url);
    const room = await new TandemApi(cluster.url).createRoom({ title: 'Out', language: 'go' });
    const writer = clients.connect(b!.url, room.id, 'Writer');
    await writer.whenSynced();
    const accessToken = ada.accessToken;
    const away = await joinWithOffset(a!.url, room.id, () => writer.text.insert(0, 'x'), {
      accessToken,
    });
    const { pid, offset } = away.wire.session();

    away.socket.io.engine.close();
    await keptInRedis(pid);
    writer.text.insert(0, 'GAP-EDIT');
    await writer.whenSaved();
    expect((await post(b!.url, '/api/auth/signout', {}, ada.cookie)).status).toBe(200);

    const back = raw(b!.url, { roomId: room.id, accessToken, pid, offset });
    await waitFor(() => back.wire.answer(0) !== undefined, 'the reconnect to be answered');
    expect(back.wire.answer(0)).toMatchObject({
      type: CONNECT_ERROR,
      data: { data: { code: 'SESSION_EXPIRED' } },
    });
    expect(back.wire.events(0)).toEqual([]);
  });

  it('after its node stopped with SIGTERM (a rolling update) is recovered on the other', async () => {
    const [a, b] = cluster.nodes;
    const room = await new TandemApi(cluster.url).createRoom({ title: 'Rolling', language: 'go' });
    const writer = clients.connect(b!.url, room.id, 'Writer');
    await writer.whenSynced();
    const away = await joinWithOffset(a!.url, room.id, () => writer.text.insert(0, 'before; '));
    const { sid, pid, offset } = away.wire.session();

    expect(await cluster.kill(a!, 'SIGTERM')).toEqual({ code: 0, signal: null });
    await keptInRedis(pid);
    writer.text.insert(writer.text.length, 'GAP-EDIT');
    await writer.whenSaved();

    const back = raw(b!.url, { roomId: room.id, pid, offset });
    await waitFor(() => back.socket.connected, 'the socket to be back');
    expect(back.wire.answer(0)).toMatchObject({ type: CONNECT, data: { sid, pid } });
    expect(back.wire.replayed(0)).toContain('doc:update');
  });
});
