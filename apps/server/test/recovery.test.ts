import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RoomConnection, TandemApi } from '@tandem/client';
import { startServer, tempDir, waitFor, type RunningServer } from './harness.js';

let server: RunningServer;
let removeDir: () => Promise<void>;

beforeAll(async () => {
  const tmp = await tempDir();
  removeDir = tmp.remove;
  server = await startServer({
    dataDir: tmp.dir,
    env: { ROOM_IDLE_MS: '50', SNAPSHOT_EVERY: '1000' },
  });
});

afterAll(async () => {
  await server.stop();
  await removeDir();
});

const DAMAGED = [0, 255, 255, 255, 255, 255, 1];

describe('a damaged snapshot', () => {
  it('does not make the room unloadable: it is rebuilt from the log, and the next snapshot replaces it', async () => {
    const room = await new TandemApi(server.url).createRoom({ title: 'damaged' });
    const connect = (name: string) =>
      new RoomConnection({ url: server.url, roomId: room.id, name, resyncIntervalMs: 0 });
    const a = connect('Ada');
    await a.whenSynced();
    a.text.insert(0, 'fn main() {}');
    await a.whenSaved();
    const before = await server.store.loadDoc(room.id);
    expect(before.snapshot).toBeNull();
    await server.store.writeSnapshot(room.id, before.lastSeq, new Uint8Array(DAMAGED));
    a.destroy();
    // Unloading compacts: the damaged snapshot cannot be read, so the room is rebuilt from its log.
    await waitFor(() => !server.app.registry.isLoaded(room.id), 'room unloaded');

    const b = connect('Bob');
    await b.whenSynced();
    expect(b.text.toString()).toBe('fn main() {}');
    // Loading wrote nothing, and a snapshot is only replaced by a newer one.
    expect(Array.from((await server.store.loadDoc(room.id)).snapshot ?? [])).toEqual(DAMAGED);

    b.text.insert(b.text.length, ' // fixed');
    await b.whenSaved();
    b.destroy();
    await waitFor(() => !server.app.registry.isLoaded(room.id), 'room unloaded again');
    await waitFor(
      async () => (await server.store.loadDoc(room.id)).updates.length === 0,
      'a new snapshot covers the log',
    );

    const c = connect('Cy');
    await c.whenSynced();
    expect(c.text.toString()).toBe('fn main() {} // fixed');
    c.destroy();
  });
});
