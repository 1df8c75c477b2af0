import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { RoomConnection, TandemApi } from '@tandem/client';
import { startServer, storedText, tempDir, waitFor, type RunningServer } from './harness.js';

let server: RunningServer;
let removeDir: () => Promise<void>;
let api: TandemApi;
const open: RoomConnection[] = [];

function connect(roomId: string, name: string): RoomConnection {
  const conn = new RoomConnection({ url: server.url, roomId, name, resyncIntervalMs: 0 });
  open.push(conn);
  return conn;
}

beforeAll(async () => {
  const tmp = await tempDir();
  removeDir = tmp.remove;
  server = await startServer({
    dataDir: tmp.dir,
    env: { ROOM_IDLE_MS: '100', SNAPSHOT_EVERY: '10' },
  });
  api = new TandemApi(server.url);
});

afterEach(() => {
  for (const c of open.splice(0)) c.destroy();
});

afterAll(async () => {
  await server.stop();
  await removeDir();
});

describe('shared editing', () => {
  it('two people typing at once end with the same text, and the store has it once acknowledged', async () => {
    const room = await api.createRoom({ title: 'Pair', language: 'python' });
    const a = connect(room.id, 'Ada');
    const b = connect(room.id, 'Bob');
    await Promise.all([a.whenSynced(), b.whenSynced()]);

    for (let i = 0; i < 50; i++) {
      a.text.insert(Math.min(i, a.text.length), 'a');
      b.text.insert(0, 'b');
    }
    await Promise.all([a.whenSaved(), b.whenSaved()]);
    await waitFor(
      () => a.text.toString() === b.text.toString() && a.text.length === 100,
      'convergence',
    );
    expect(await storedText(server.store, room.id)).toBe(a.text.toString());
  });

  it('a late joiner receives the whole document', async () => {
    const room = await api.createRoom({ title: 'Late', language: 'go' });
    const a = connect(room.id, 'Ada');
    await a.whenSynced();
    a.text.insert(0, 'package main\n');
    await a.whenSaved();
    const c = connect(room.id, 'Cy');
    await c.whenSynced();
    expect(c.text.toString()).toBe('package main\n');
    expect(c.room?.language).toBe('go');
  });

  it('edits made while disconnected are sent on reconnect and reach the others', async () => {
    const room = await api.createRoom({ title: 'Offline', language: 'rust' });
    const a = connect(room.id, 'Ada');
    const b = connect(room.id, 'Bob');
    await Promise.all([a.whenSynced(), b.whenSynced()]);
    a.disconnect();
    a.text.insert(0, 'offline edit; ');
    b.text.insert(0, 'online edit; ');
    expect(a.pendingCount).toBeGreaterThan(0);
    a.reconnect();
    await a.whenSaved();
    await b.whenSaved();
    await waitFor(() => a.text.toString() === b.text.toString(), 'convergence after reconnect');
    expect(a.text.toString()).toContain('offline edit; ');
    expect(a.text.toString()).toContain('online edit; ');
    expect(await storedText(server.store, room.id)).toBe(a.text.toString());
  });

  it('a language change reaches everyone and is written to the timeline', async () => {
    const room = await api.createRoom({ title: 'Lang', language: 'python' });
    const a = connect(room.id, 'Ada');
    const b = connect(room.id, 'Bob');
    await Promise.all([a.whenSynced(), b.whenSynced()]);
    const seen = new Promise((resolve) => b.on('room', (r) => r.language === 'java' && resolve(r)));
    const updated = await a.setLanguage('java');
    expect(updated.language).toBe('java');
    await seen;
    expect((await api.getRoom(room.id)).language).toBe('java');
    const timeline = await server.store.readTimeline(room.id, 0, 10);
    expect(timeline.map((e) => e.type)).toContain('room.language-changed');
  });

  it('presence: each sees the other, and a leaver disappears', async () => {
    const room = await api.createRoom({ title: 'Cursors', language: 'c' });
    const a = connect(room.id, 'Ada');
    const b = connect(room.id, 'Bob');
    await Promise.all([a.whenSynced(), b.whenSynced()]);
    a.awareness.setLocalStateField('user', { name: 'Ada', color: '#d1495b' });
    b.awareness.setLocalStateField('user', { name: 'Bob', color: '#00798c' });
    const names = (c: RoomConnection) =>
      [...c.awareness.getStates().values()]
        .map((s) => (s.user as { name: string } | undefined)?.name)
        .sort();
    await waitFor(
      () => names(a).join() === 'Ada,Bob' && names(b).join() === 'Ada,Bob',
      'both see both',
    );
    a.destroy();
    await waitFor(() => names(b).join() === 'Bob', 'Ada leaves');
  });

  it('presence: someone whose connection drops is seen to leave and, once back, at once again', async () => {
    const room = await api.createRoom({ title: 'Blink', language: 'c' });
    const a = connect(room.id, 'Ada');
    const b = connect(room.id, 'Bob');
    await Promise.all([a.whenSynced(), b.whenSynced()]);
    b.awareness.setLocalStateField('user', { name: 'Bob', color: '#00798c' });
    const seesBob = () =>
      [...a.awareness.getStates().values()].some(
        (s) => (s.user as { name: string } | undefined)?.name === 'Bob',
      );
    await waitFor(seesBob, 'Ada to see Bob');
    b.socket.io.engine.close(); // a dropped transport; the SDK reconnects by itself
    await waitFor(() => !seesBob(), 'Bob to leave');
    // Well before the 15 s presence renewal, which would bring him back anyway.
    await waitFor(seesBob, 'Bob to be back', 5_000);
  });

  it('an empty room is unloaded and reloads with nothing lost', async () => {
    const room = await api.createRoom({ title: 'Idle', language: 'java' });
    const a = connect(room.id, 'Ada');
    await a.whenSynced();
    for (let i = 0; i < 25; i++) a.text.insert(a.text.length, `${i};`);
    await a.whenSaved();
    const text = a.text.toString();
    a.destroy();
    await waitFor(() => !server.app.registry.isLoaded(room.id), 'room unloaded');
    const b = connect(room.id, 'Bob');
    await b.whenSynced();
    expect(b.text.toString()).toBe(text);
    const loaded = await server.store.loadDoc(room.id);
    expect(loaded.snapshot).not.toBeNull();
  });
});

describe('restart', () => {
  it('after a restart on the same data folder the document is exactly as it was', async () => {
    const tmp = await tempDir();
    let s = await startServer({ dataDir: tmp.dir });
    const room = await new TandemApi(s.url).createRoom({ title: 'Restart', language: 'cpp' });
    const a = new RoomConnection({ url: s.url, roomId: room.id, name: 'Ada', resyncIntervalMs: 0 });
    await a.whenSynced();
    const statuses: string[] = [];
    a.on('status', (st) => statuses.push(st));
    a.text.insert(0, 'int main() { return 0; }');
    await a.whenSaved();
    const port = s.port;
    await s.stop();
    s = await startServer({ dataDir: tmp.dir, port });
    // The same connection reconnects by itself after the server comes back.
    a.text.insert(a.text.length, ' // after');
    await a.whenSaved();
    const b = new RoomConnection({ url: s.url, roomId: room.id, name: 'Bob', resyncIntervalMs: 0 });
    await b.whenSynced();
    expect(b.text.toString()).toBe('int main() { return 0; } // after');
    // Regression: a lost connection once showed "connecting" instead of "reconnecting".
    expect(statuses).toContain('reconnecting');
    expect(statuses).not.toContain('connecting');
    expect(statuses.at(-1)).toBe('connected');
    a.destroy();
    b.destroy();
    await s.stop();
    await tmp.remove();
  });
});
