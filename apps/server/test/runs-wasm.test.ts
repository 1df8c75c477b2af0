import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RoomConnection, TandemApi } from '@tandem/client';
import { startServer, tempDir, type RunningServer } from './harness.js';

let server: RunningServer;
let removeDir: () => Promise<void>;
let api: TandemApi;

/** The shape of a laptop without bubblewrap: the WebAssembly fallback runs Python and JavaScript. */
beforeAll(async () => {
  const tmp = await tempDir();
  removeDir = tmp.remove;
  server = await startServer({ dataDir: tmp.dir, env: { SANDBOX_BACKEND: 'wasm' } });
  api = new TandemApi(server.url);
});

afterAll(async () => {
  await server.stop();
  await removeDir();
});

describe('runs on the WebAssembly fallback', () => {
  it('offers only what the fallback runs, and says so', async () => {
    const res = await server.app.http.inject({ method: 'GET', url: '/api/languages' });
    const body = res.json() as { backend: string; languages: { id: string; backend: string }[] };
    expect(body.backend).toBe('wasm');
    expect(body.languages.map((l) => l.id).sort()).toEqual(['javascript', 'python', 'typescript']);
    expect(body.languages.every((l) => l.backend === 'wasm')).toBe(true);
  });

  it('runs Python and JavaScript for everyone in the room, and refuses C with a clear error', async () => {
    const room = await api.createRoom({ title: 'laptop' });
    const a = new RoomConnection({
      url: server.url,
      roomId: room.id,
      name: 'Ada',
      resyncIntervalMs: 0,
    });
    await a.whenSynced();
    try {
      const py = await api.runInRoom(room.id, {
        language: 'python',
        source: 'print(input()[::-1])',
        stdin: 'olleh\n',
      });
      expect(py).toMatchObject({ verdict: 'ok', backend: 'wasm' });
      expect(py.result?.stdout).toBe('hello\n');
      const js = await api.runInRoom(room.id, {
        language: 'javascript',
        source: 'console.log([1, 2, 3].map((x) => x * 2).join(","))',
      });
      expect(js.result?.stdout).toBe('2,4,6\n');
      await expect(
        api.runInRoom(room.id, { language: 'c', source: 'int main(){}' }),
      ).rejects.toMatchObject({
        status: 400,
        code: 'LANGUAGE_UNAVAILABLE',
      });
    } finally {
      a.destroy();
    }
  });
});
