import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { RoomConnection, TandemApi } from '@tandem/client';
import type { RunView } from '@tandem/protocol';
import { startServer, tempDir, waitFor, type RunningServer } from './harness.js';

let server: RunningServer;
let removeDir: () => Promise<void>;
let api: TandemApi;
const conns: RoomConnection[] = [];

const ECHO_PY = 'import sys\nprint("got:", sys.stdin.read().strip())\n';
const SLOW_PY = 'import time\ntime.sleep(1.5)\nprint("slow done")\n';
const SUM_PY = 'a, b = map(int, input().split())\nprint(a + b)\n';

beforeAll(async () => {
  const tmp = await tempDir();
  removeDir = tmp.remove;
  server = await startServer({
    dataDir: tmp.dir,
    env: { RUN_CONCURRENCY: '1', RUN_RATE_PER_USER: '6', RUN_RATE_PER_ROOM: '100' },
  });
  api = new TandemApi(server.url);
});

afterEach(() => {
  for (const c of conns.splice(0)) c.destroy();
});

afterAll(async () => {
  await server.stop();
  await removeDir();
});

async function pair(): Promise<{ roomId: string; a: RoomConnection; b: RoomConnection }> {
  const room = await api.createRoom({ title: 'runs' });
  const a = new RoomConnection({
    url: server.url,
    roomId: room.id,
    name: 'Ada',
    resyncIntervalMs: 0,
  });
  const b = new RoomConnection({
    url: server.url,
    roomId: room.id,
    name: 'Bob',
    resyncIntervalMs: 0,
  });
  conns.push(a, b);
  await Promise.all([a.whenSynced(), b.whenSynced()]);
  return { roomId: room.id, a, b };
}

/** Resolves with the first update of `runId` that `done` accepts, as seen by `conn`. */
function seen(
  conn: RoomConnection,
  runId: () => string | undefined,
  done: (r: RunView) => boolean,
): Promise<RunView> {
  return new Promise((resolve) => {
    const off = conn.on('run', (r) => {
      if (r.id === runId() && done(r)) {
        off();
        resolve(r);
      }
    });
  });
}

const finished = (r: RunView) => r.status === 'finished';

describe('runs', () => {
  it('lists the languages that really run here, with versions', async () => {
    const languages = await api.languages();
    const python = languages.find((l) => l.id === 'python');
    expect(python?.version).toMatch(/Python 3/);
    expect(python?.backend).toBe('bubblewrap');
    expect(python?.template.length).toBeGreaterThan(0);
  });

  it('one person runs code with stdin; both see the same result; the timeline records it', async () => {
    const { roomId, a, b } = await pair();
    // The result can arrive before run() resolves: listen first, match the id once known.
    const ref: { id?: string } = {};
    const atA = seen(a, () => ref.id, finished);
    const atB = seen(b, () => ref.id, finished);
    ref.id = (await a.run({ language: 'python', source: ECHO_PY, stdin: 'hello $&;<>|`\n' })).id;
    const [ra, rb] = await Promise.all([atA, atB]);
    expect(ra).toEqual(rb);
    expect(ra.verdict).toBe('ok');
    expect(ra.result?.stdout).toBe('got: hello $&;<>|`\n');
    expect(ra.requestedBy).toBe('Ada');
    expect(ra.backend).toBe('bubblewrap');
    const types = (await server.store.readTimeline(roomId, 0, 50)).map((e) => e.type);
    expect(types).toEqual(expect.arrayContaining(['run.requested', 'run.finished']));
  });

  it('a person away while a run finished sees its result on coming back, and a late joiner too', async () => {
    const { roomId, a, b } = await pair();
    b.disconnect();
    const ref: { id?: string } = {};
    const atA = seen(a, () => ref.id, finished);
    ref.id = (await a.run({ language: 'python', source: SUM_PY, stdin: '2 3\n' })).id;
    const result = await atA;
    const back = seen(b, () => ref.id, finished);
    b.reconnect();
    expect((await back).result?.stdout).toBe('5\n');
    const late = new RoomConnection({ url: server.url, roomId, name: 'Cy', resyncIntervalMs: 0 });
    conns.push(late);
    expect(await seen(late, () => ref.id, finished)).toEqual(result);
  });

  it('judges against a problem: a verdict per case, hidden cases show only their verdict', async () => {
    const { b } = await pair();
    const ref: { id?: string } = {};
    const done = seen(b, () => ref.id, finished);
    ref.id = (await b.run({ language: 'python', source: SUM_PY, problemId: 'sum-of-two' })).id;
    const run = await done;
    expect(run.verdict).toBe('accepted');
    expect(run.summary).toEqual({ passed: 4, total: 4 });
    const hidden = run.cases!.filter((c) => c.hidden);
    expect(hidden.length).toBeGreaterThan(0);
    for (const c of hidden)
      expect(Object.keys(c).sort()).toEqual([
        'cpuMs',
        'hidden',
        'index',
        'memoryKb',
        'verdict',
        'wallMs',
      ]);
    expect(run.cases!.find((c) => !c.hidden)?.stdin).toBe('1 2\n');
  });

  it('a wrong answer and a compile error get their verdicts', async () => {
    const { roomId } = await pair();
    const wrong = await api.runInRoom(roomId, {
      language: 'python',
      source: 'print(42)',
      problemId: 'sum-of-two',
    });
    expect(wrong.verdict).toBe('wrong_answer');
    const broken = await api.runInRoom(roomId, {
      language: 'c',
      source: 'int main( { return 0; }',
    });
    expect(broken.verdict).toBe('compile_error');
    expect(broken.compile?.stderr).toMatch(/error/);
  });

  it('queued runs show their place, and queued or running runs can be stopped', async () => {
    const { a } = await pair();
    const slow = await a.run({ language: 'python', source: SLOW_PY });
    const second = await a.run({ language: 'python', source: ECHO_PY });
    const third = await a.run({ language: 'python', source: ECHO_PY });
    expect(second.queuePosition).toBe(1);
    expect(third.queuePosition).toBe(2);
    const thirdCancelled = seen(a, () => third.id, finished);
    await a.cancelRun(third.id);
    expect((await thirdCancelled).verdict).toBe('cancelled');
    const slowStopped = seen(a, () => slow.id, finished);
    await a.cancelRun(slow.id);
    expect((await slowStopped).verdict).toBe('cancelled');
    expect((await api.getRun(slow.id)).verdict).toBe('cancelled');
    await waitFor(
      async () => (await api.getRun(second.id)).status === 'finished',
      'the second run still runs',
    );
    expect((await api.getRun(second.id)).verdict).toBe('ok');
  });

  it('REST: run without waiting, then poll', async () => {
    const { roomId } = await pair();
    const queued = await api.runInRoom(
      roomId,
      { language: 'javascript', source: 'console.log(6 * 7)' },
      { wait: false },
    );
    expect(['queued', 'running']).toContain(queued.status);
    await waitFor(async () => (await api.getRun(queued.id)).status === 'finished', 'run finishes');
    expect((await api.getRun(queued.id)).result?.stdout).toBe('42\n');
  });

  it('bad requests get a 4xx naming the problem', async () => {
    const { roomId } = await pair();
    const post = (body: object) =>
      server.app.http.inject({
        method: 'POST',
        url: `/api/rooms/${roomId}/runs`,
        payload: body,
        remoteAddress: '10.1.1.1',
      });
    expect((await post({ language: 'cobol', source: 'x' })).json()).toMatchObject({
      code: 'LANGUAGE_UNAVAILABLE',
      field: 'language',
    });
    expect(
      (await post({ language: 'python', source: 'x'.repeat(300 * 1024) })).json(),
    ).toMatchObject({ code: 'VALIDATION_FAILED', field: 'source' });
    expect(
      (await post({ language: 'python', source: 'x', stdin: 'y'.repeat(1100 * 1024) })).json(),
    ).toMatchObject({ field: 'stdin' });
    expect(
      (await post({ language: 'python', source: 'x', problemId: 'nope' })).json(),
    ).toMatchObject({ code: 'PROBLEM_NOT_FOUND', field: 'problemId' });
    const noRoom = await server.app.http.inject({
      method: 'POST',
      url: '/api/rooms/AAAAAAAAAAAAAAAAAAAAAA/runs',
      payload: { language: 'python', source: 'x' },
    });
    expect(noRoom.statusCode).toBe(404);
    expect(
      (await server.app.http.inject({ method: 'GET', url: '/api/runs/nope' })).statusCode,
    ).toBe(404);
  });

  it('runs are rate limited per person, with the time to wait', async () => {
    const { a } = await pair();
    const outcomes: string[] = [];
    for (let i = 0; i < 7; i++) {
      try {
        await a.run({ language: 'python', source: 'print(1)' });
        outcomes.push('ok');
      } catch (err) {
        outcomes.push((err as { code: string }).code);
        expect((err as Error).message).toMatch(/Try again in \d+ s/);
      }
    }
    expect(outcomes.filter((o) => o === 'ok')).toHaveLength(6);
    expect(outcomes.at(-1)).toBe('RATE_LIMITED');
  });
});
