/**
 * The embedded worker is a child process of the server: if it dies mid-run
 * the run ends as internal_error and a new one takes runs; it does not
 * outlive its server.
 */
import { readFile, readdir } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RoomConnection, TandemApi } from '@tandem/client';
import type { RunView } from '@tandem/protocol';
import { startServer, tempDir, waitFor, type RunningServer } from './harness.js';

const SLOW_PY = 'import time\ntime.sleep(30)\n';

let server: RunningServer;
let removeDir: () => Promise<void>;

/** Pids of the children of `parent` whose command line contains `needle`. */
async function childrenRunning(parent: number, needle: string): Promise<number[]> {
  const pids: number[] = [];
  const tasks = await readdir(`/proc/${parent}/task`).catch(() => []);
  for (const task of tasks) {
    const text = await readFile(`/proc/${parent}/task/${task}/children`, 'utf8').catch(() => '');
    for (const pid of text.split(' ').filter(Boolean).map(Number)) {
      const cmdline = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '');
      if (cmdline.includes(needle)) pids.push(pid);
    }
  }
  return pids;
}

const workerPids = () => childrenRunning(process.pid, 'worker/dist/embedded.js');

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

beforeAll(async () => {
  const tmp = await tempDir();
  removeDir = tmp.remove;
  server = await startServer({ dataDir: tmp.dir, env: { RUN_RATE_PER_USER: '100' } });
  await server.app.runs.initialized;
});

afterAll(async () => {
  await removeDir();
});

describe('the embedded worker process', () => {
  it('killed mid-run: the run ends as internal_error, and a new worker takes runs', async () => {
    const [first] = await workerPids();
    expect(first).toBeGreaterThan(0);
    const api = new TandemApi(server.url);
    const room = await api.createRoom({ title: 'embedded worker' });
    const conn = new RoomConnection({ url: server.url, roomId: room.id, name: 'Ada' });
    try {
      await conn.whenSynced();
      const updates: RunView[] = [];
      conn.on('run', (view) => updates.push(view));
      const slow = await conn.run({ language: 'python', source: SLOW_PY });
      await waitFor(
        async () => (await childrenRunning(first!, 'bwrap')).length > 0,
        'the slow run is in its box',
      );
      process.kill(first!, 'SIGKILL');
      await waitFor(
        () => updates.some((u) => u.id === slow.id && u.status === 'finished'),
        'the killed run finished',
      );
      const ended = updates.find((u) => u.id === slow.id && u.status === 'finished');
      expect(ended?.verdict).toBe('internal_error');
      expect((await api.getRun(slow.id)).verdict).toBe('internal_error');

      await waitFor(async () => (await workerPids()).some((p) => p !== first), 'a new worker');
      const next = await api.runInRoom(room.id, { language: 'python', source: 'print(6 * 7)' });
      expect(next.verdict).toBe('ok');
      expect(next.result?.stdout).toBe('42\n');
    } finally {
      conn.destroy();
    }
  });

  it('stops with its server', async () => {
    const pids = await workerPids();
    expect(pids.length).toBe(1);
    await server.stop();
    expect(alive(pids[0]!)).toBe(false);
  });
});
