/**
 * Connection-state recovery on one node: a socket whose transport drops and
 * comes back within SOCKET_RECOVERY_MS is sent what it missed, but only while
 * it may still hear all of it. Checked at the wire: what a recovery replays
 * is written before the reconnect's CONNECT packet, so "nothing replayed"
 * means no event between the drop and the CONNECT (or CONNECT_ERROR).
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { io } from 'socket.io-client';
import { PROTOCOL_VERSION, SOCKET_PATH } from '@tandem/protocol';
import { RoomConnection, TandemApi } from '@tandem/client';
import type { RoomSession } from '../src/collab/room-session.js';
import { CONNECT, CONNECT_ERROR, Wire } from './wire.js';
import { authClient } from './auth-client.js';
import { startServer, tempDir, waitFor, type RunningServer } from './harness.js';
import {
  castInterview,
  connectAs,
  guestApi,
  signUpStaff,
  type Actor,
  type Cast,
  type Staff,
} from './interview-cast.js';

let server: RunningServer;
let remove: () => Promise<void>;
let staff: Staff;
const opened: { destroy(): void }[] = [];

beforeAll(async () => {
  const tmp = await tempDir();
  remove = tmp.remove;
  server = await startServer({ dataDir: tmp.dir, env: { LOBBY_REQUEST_LIMIT: '1000' } });
  staff = await signUpStaff(server);
}, 180_000);

afterEach(() => {
  for (const c of opened.splice(0)) c.destroy();
});

afterAll(async () => {
  await server?.stop();
  await remove?.();
});

async function open(cast: Cast, actor: Actor): Promise<RoomConnection> {
  const conn = await connectAs(server, cast, actor);
  opened.push(conn);
  return conn;
}

/**
 * Cuts the connection's transport (a recoverable "transport close") and keeps
 * it down until the returned function is called; resolves once the server
 * has seen it go.
 */
async function drop(conn: RoomConnection): Promise<() => void> {
  const id = conn.socket.id!;
  conn.socket.io.reconnection(false);
  conn.socket.io.engine.close();
  await waitFor(() => !server.app.io.of('/').sockets.has(id), 'the server to see the drop');
  return () => {
    conn.socket.io.reconnection(true);
    conn.reconnect();
  };
}

async function roomSession(roomId: string): Promise<RoomSession> {
  await waitFor(() => server.app.registry.isLoaded(roomId), 'the room to be loaded');
  return new Promise((resolve) => server.app.registry.ifLoaded(roomId, resolve));
}

/** Host, observer (a live staff witness, with the notes open) and an interviewer who has an offset. */
async function staffRoom(cast: Cast) {
  const host = await open(cast, 'host');
  const observer = await open(cast, 'observer');
  const interviewer = await open(cast, 'interviewer');
  const witness = observer.notes();
  await waitFor(() => witness.synced, 'notes synced');
  host.text.insert(0, 'x');
  await waitFor(() => interviewer.text.length === 1, 'an offset to resume from');
  return { host, observer, interviewer, witness };
}

/** Staff-channel traffic while someone is away: a note, and a lobby request; both seen by the witness. */
async function staffGap(
  cast: Cast,
  host: RoomConnection,
  observer: RoomConnection,
  witness: ReturnType<RoomConnection['notes']>,
): Promise<void> {
  const notes = host.notes();
  await waitFor(() => notes.synced, 'the host notes synced');
  notes.text.insert(0, 'GAP-NOTE');
  await waitFor(() => witness.text.toString().includes('GAP-NOTE'), 'the note to reach staff');
  await guestApi(server, null).requestLobby(cast.roomId, { key: cast.keys.candidate, name: 'Zed' });
  await waitFor(
    () => observer.staff?.participants.some((p) => p.name === 'Zed') === true,
    'the lobby request to reach staff',
  );
}

describe('a socket back within the window, still allowed everything it was in', () => {
  it('a candidate is recovered and sent the edits and interview changes it missed, and counted once', async () => {
    const cast = await castInterview(server, staff);
    const host = await open(cast, 'host');
    const candidate = await open(cast, 'candidate');
    host.text.insert(0, 'before; ');
    await waitFor(() => candidate.text.toString() === 'before; ', 'the first edit');
    const wire = new Wire(candidate.socket.io);
    const idBefore = candidate.socket.id;

    const back = await drop(candidate);
    const from = wire.mark();
    host.text.insert(host.text.length, 'typed while the candidate was away');
    host.awareness.setLocalStateField('cursor', 3);
    await host.whenSaved();
    await host.control({ type: 'reveal-hint' });
    back();
    await candidate.whenSynced();

    expect(candidate.recovered).toBe(true);
    expect(candidate.socket.id).toBe(idBefore);
    expect(wire.answer(from)?.type).toBe(CONNECT);
    expect(wire.replayed(from)).toEqual(expect.arrayContaining(['doc:update', 'interview:state']));
    // Presence is not replayed: the whole of it follows every connect.
    expect(wire.replayed(from)).not.toContain('awareness:update');
    expect(candidate.text.toString()).toBe('before; typed while the candidate was away');
    expect(candidate.interview?.hints.map((h) => h.index)).toEqual([0]);

    // Registered once: two connections, and each presence once, on the server and for the host.
    candidate.awareness.setLocalStateField('user', { name: 'Cleo' });
    host.awareness.setLocalStateField('user', { name: 'Hana' });
    const session = await roomSession(cast.roomId);
    await waitFor(
      () => host.awareness.getStates().size === 2 && session.awarenessClients().length === 2,
      'both presences, once each',
    );
    expect(session.connectionCount).toBe(2);
    // Leaving takes it out again: nothing of the recovered socket stays behind.
    candidate.destroy();
    await waitFor(() => session.connectionCount === 1, 'the recovered socket to leave');
    await waitFor(() => host.awareness.getStates().size === 1, 'its presence to go');
  });

  it('an interviewer is recovered with the staff-channel packets (notes, lobby) it missed', async () => {
    const cast = await castInterview(server, staff);
    const { host, observer, interviewer, witness } = await staffRoom(cast);
    const wire = new Wire(interviewer.socket.io);

    const back = await drop(interviewer);
    const from = wire.mark();
    await staffGap(cast, host, observer, witness);
    back();
    await interviewer.whenSynced();

    expect(interviewer.recovered).toBe(true);
    expect(interviewer.role).toBe('interviewer');
    expect(wire.replayed(from)).toEqual(
      expect.arrayContaining(['notes:update', 'interview:staff']),
    );
  });
});

describe('a socket back within the window whose standing changed meanwhile', () => {
  it('a candidate removed while away is not recovered: refused, and sent nothing from the gap', async () => {
    const cast = await castInterview(server, staff);
    const host = await open(cast, 'host');
    const candidate = await open(cast, 'candidate');
    host.text.insert(0, 'before; ');
    await waitFor(() => candidate.text.length > 0, 'an offset to resume from');
    const wire = new Wire(candidate.socket.io);

    const back = await drop(candidate);
    const from = wire.mark();
    host.text.insert(0, 'GAP-EDIT; ');
    await host.whenSaved();
    await host.control({ type: 'remove', participantId: candidate.self!.participantId! });
    await host.control({ type: 'reveal-hint' });
    back();
    await waitFor(() => candidate.status === 'closed', 'the refusal');

    expect(candidate.lastError?.code).toBe('REMOVED');
    expect(candidate.recovered).toBe(false);
    expect(wire.answer(from)?.type).toBe(CONNECT_ERROR);
    expect(wire.events(from)).toEqual([]);
    expect(candidate.text.toString()).toBe('before; ');
  });

  it('an interviewer demoted while away is not recovered: no staff-channel packet of the gap reaches it', async () => {
    const cast = await castInterview(server, staff);
    const { host, observer, interviewer, witness } = await staffRoom(cast);
    const wire = new Wire(interviewer.socket.io);

    const back = await drop(interviewer);
    const from = wire.mark();
    await host.control({
      type: 'set-role',
      participantId: interviewer.self!.participantId!,
      role: 'observer',
    });
    await staffGap(cast, host, observer, witness);
    back();
    await interviewer.whenSynced();

    expect(interviewer.recovered).toBe(false);
    expect(interviewer.role).toBe('observer');
    expect(wire.answer(from)?.type).toBe(CONNECT);
    expect(wire.replayed(from)).toEqual([]);
    // The staff view of its new handshake, and none from the gap.
    await waitFor(() => wire.events(from).includes('interview:staff'), 'the fresh staff view');
    const events = wire.events(from);
    expect(events).not.toContain('notes:update');
    expect(events.filter((e) => e === 'interview:staff')).toHaveLength(1);
  });

  it('a signed-in participant is recovered while signed in, and not once it signed out', async () => {
    const ada = authClient(server);
    const { accessToken } = await ada.signUp();
    const room = await new TandemApi(server.url).createRoom({ title: 'Signed', language: 'go' });
    const conn = new RoomConnection({
      url: server.url,
      roomId: room.id,
      name: 'Ada',
      accessToken: () => accessToken,
      resyncIntervalMs: 0,
    });
    const other = new RoomConnection({ url: server.url, roomId: room.id, name: 'Bo' });
    opened.push(conn, other);
    await Promise.all([conn.whenSynced(), other.whenSynced()]);
    other.text.insert(0, 'a');
    await waitFor(() => conn.text.length === 1, 'an offset to resume from');
    const wire = new Wire(conn.socket.io);

    let back = await drop(conn);
    other.text.insert(1, 'b');
    await other.whenSaved();
    back();
    await conn.whenSynced();
    expect(conn.recovered).toBe(true);

    back = await drop(conn);
    const from = wire.mark();
    other.text.insert(2, 'c');
    await other.whenSaved();
    expect((await ada.post('/api/auth/signout')).statusCode).toBe(200);
    back();
    await waitFor(() => wire.answer(from) !== undefined, 'the reconnect to be answered');

    expect(conn.recovered).toBe(false);
    expect(wire.answer(from)).toMatchObject({
      type: CONNECT_ERROR,
      data: { data: { code: 'SESSION_EXPIRED' } },
    });
    expect(wire.events(from)).toEqual([]);
    expect(conn.text.toString()).toBe('ab');
  });
});

describe('a stored session', () => {
  it('is restored at most once: a second claim with the same session id joins afresh', async () => {
    const room = await new TandemApi(server.url).createRoom({ title: 'Once', language: 'go' });
    const a = new RoomConnection({ url: server.url, roomId: room.id, name: 'A' });
    const wire = new Wire(a.socket.io);
    const b = new RoomConnection({ url: server.url, roomId: room.id, name: 'B' });
    opened.push(a, b);
    await Promise.all([a.whenSynced(), b.whenSynced()]);
    b.text.insert(0, 'b');
    await waitFor(() => a.text.length === 1, 'an offset to resume from');
    const back = await drop(a);
    const { pid, offset } = wire.session();
    back();
    await a.whenSynced();
    expect(a.recovered).toBe(true);

    const again = io(server.url, {
      path: SOCKET_PATH,
      transports: ['websocket'],
      reconnection: false,
      auth: { v: PROTOCOL_VERSION, roomId: room.id, name: 'A again', pid, offset },
    });
    opened.push({ destroy: () => again.disconnect() });
    const answer = new Wire(again.io);
    await waitFor(() => again.connected, 'the second claim to join');
    // Recovered would be the same socket and session ids (two sockets with one id).
    const fresh = answer.session();
    expect(fresh.sid).not.toBe(a.socket.id);
    expect(fresh.pid).not.toBe(pid);
    expect(answer.replayed(0)).toEqual([]);
  });
});

describe('SOCKET_RECOVERY_MS=0', () => {
  it('turns recovery off: every reconnect is a fresh join, with nothing replayed', async () => {
    const tmp = await tempDir();
    const off = await startServer({ dataDir: tmp.dir, env: { SOCKET_RECOVERY_MS: '0' } });
    try {
      const room = await new TandemApi(off.url).createRoom({ title: 'Off', language: 'go' });
      const a = new RoomConnection({ url: off.url, roomId: room.id, name: 'A' });
      const b = new RoomConnection({ url: off.url, roomId: room.id, name: 'B' });
      opened.push(a, b);
      await Promise.all([a.whenSynced(), b.whenSynced()]);
      const wire = new Wire(a.socket.io);
      const id = a.socket.id;
      a.socket.io.reconnection(false);
      a.socket.io.engine.close();
      await waitFor(() => !off.app.io.of('/').sockets.has(id!), 'the server to see the drop');
      const from = wire.mark();
      b.text.insert(0, 'while away');
      await b.whenSaved();
      a.socket.io.reconnection(true);
      a.reconnect();
      await a.whenSynced();
      expect(a.recovered).toBe(false);
      expect(a.socket.id).not.toBe(id);
      expect(wire.replayed(from)).toEqual([]);
      expect(a.text.toString()).toBe('while away');
    } finally {
      await off.stop();
      await tmp.remove();
    }
  });
});
