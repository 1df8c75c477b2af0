/**
 * Function-signature problems end to end: the problem view with its
 * signature and starters, judged runs through the worker thread and the real
 * bubblewrap sandbox, and problem files that do not fit their signature.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { RoomConnection, TandemApi } from '@tandem/client';
import type { RunView } from '@tandem/protocol';
import { ProblemCatalog } from '../src/runs/problems.js';
import { startServer, tempDir, type RunningServer } from './harness.js';

let server: RunningServer;
let removeDir: () => Promise<void>;
let dataDir: string;
let api: TandemApi;
const conns: RoomConnection[] = [];

const TWO_SUM_PY = `def twoSum(nums, target):
    print("debug: looking for", target)
    seen = {}
    for i, n in enumerate(nums):
        if target - n in seen:
            return [i, seen[target - n]]
        seen[n] = i
`;

const ROTATE_CPP = `vector<vector<int>> rotate(vector<vector<int>>& matrix) {
    int n = matrix.size();
    vector<vector<int>> out(n, vector<int>(n));
    for (int r = 0; r < n; r++)
        for (int c = 0; c < n; c++) out[c][n - 1 - r] = matrix[r][c];
    return out;
}
`;

beforeAll(async () => {
  const tmp = await tempDir();
  removeDir = tmp.remove;
  dataDir = tmp.dir;
  server = await startServer({
    dataDir: tmp.dir,
    env: { RUN_RATE_PER_USER: '100', RUN_RATE_PER_ROOM: '100' },
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

async function member(roomId: string, name: string): Promise<RoomConnection> {
  const conn = new RoomConnection({ url: server.url, roomId, name, resyncIntervalMs: 0 });
  conns.push(conn);
  await conn.whenSynced();
  return conn;
}

function finishedRun(conn: RoomConnection, runId: () => string | undefined): Promise<RunView> {
  return new Promise((resolve) => {
    const off = conn.on('run', (r) => {
      if (r.id === runId() && r.status === 'finished') {
        off();
        resolve(r);
      }
    });
  });
}

describe('function problems', () => {
  it('the problem view shows the signature, a starter per language and the examples', async () => {
    const problem = await api.problem('two-sum-function');
    expect(problem.function?.signature).toEqual({
      name: 'twoSum',
      params: [
        { name: 'nums', type: 'int[]' },
        { name: 'target', type: 'int' },
      ],
      returns: 'int[]',
    });
    expect(problem.function?.comparison).toEqual({ tolerance: 1e-6, anyOrder: true });
    expect(problem.function?.starters.python).toBe(
      'def twoSum(nums: list[int], target: int) -> list[int]:\n    pass\n',
    );
    expect(problem.function?.starters.java).toContain(
      'public int[] twoSum(int[] nums, int target)',
    );
    expect(problem.function?.examples[0]).toEqual({
      arguments: 'nums = [2,7,11,15]\ntarget = 9',
      expected: '[0,1]',
    });
    expect(problem.function?.hiddenCaseCount).toBe(3);
    expect(problem.examples).toEqual([]);
    expect(problem.hiddenCaseCount).toBe(0);
    expect((await api.problems()).map((p) => p.id)).toContain('rotate-image');
  });

  it('judges a Python function: debug prints do not count, the room sees expected and got', async () => {
    const room = await api.createRoom({ title: 'function' });
    const [ada, bob] = [await member(room.id, 'Ada'), await member(room.id, 'Bob')];
    const ref: { id?: string } = {};
    const seenByBob = finishedRun(bob, () => ref.id);
    const started = await ada.run({
      language: 'python',
      source: TWO_SUM_PY,
      problemId: 'two-sum-function',
    });
    ref.id = started.id;
    const run = await seenByBob;
    expect(run.verdict).toBe('accepted');
    expect(run.summary).toEqual({ passed: 5, total: 5 });
    // Indices in the other order are accepted: the problem says any order.
    expect(run.cases?.[0]).toMatchObject({
      stdin: 'nums = [2,7,11,15]\ntarget = 9',
      expected: '[0,1]',
      stdout: '[1,0]',
    });
    expect(run.cases?.[0]?.stderr).toContain('debug: looking for 9');
    for (const c of run.cases!.filter((c) => c.hidden)) {
      expect(c).not.toHaveProperty('stdin');
      expect(c).not.toHaveProperty('expected');
    }

    const wrong = await api.runInRoom(room.id, {
      language: 'python',
      source: 'def twoSum(nums, target):\n    return [0, 0]\n',
      problemId: 'two-sum-function',
    });
    expect(wrong.verdict).toBe('wrong_answer');
    expect(wrong.cases?.[1]).toMatchObject({ expected: '[1,2]', stdout: '[0,0]' });
  });

  it('judges a C++ function compiled once against every case', async () => {
    const room = await api.createRoom({ title: 'rotate' });
    const run = await api.runInRoom(room.id, {
      language: 'cpp',
      source: ROTATE_CPP,
      problemId: 'rotate-image',
    });
    expect(run.verdict, JSON.stringify(run.compile)).toBe('accepted');
    expect(run.summary).toEqual({ passed: 5, total: 5 });
    expect(run.compile?.exitCode).toBe(0);
    expect(run.cases?.[0]?.stdout).toBe('[[7,4,1],[8,5,2],[9,6,3]]');

    const broken = await api.runInRoom(room.id, {
      language: 'cpp',
      source: '// the function\nint rotate(int x) { return y; }\n',
      problemId: 'rotate-image',
    });
    expect(broken.verdict).toBe('compile_error');
    // The candidate's line 2, not the line in the file with the driver around it.
    expect(broken.compile?.stderr).toMatch(/main\.cpp:2:\d+: error/);
  });

  it('a language without a function harness is refused with a clear error', async () => {
    const room = await api.createRoom({ title: 'c' });
    const response = await server.app.http.inject({
      method: 'POST',
      url: `/api/rooms/${room.id}/runs`,
      payload: { language: 'c', source: 'int main(void) { return 0; }', problemId: 'rotate-image' },
    });
    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({ code: 'LANGUAGE_NOT_FOR_PROBLEM', field: 'language' });
  });
});

describe('function problem files', () => {
  const problem = (fn: object, extra: object = {}) => ({
    id: 'p',
    title: 'P',
    difficulty: 'easy',
    pattern: 'x',
    statement: 'x',
    function: fn,
    ...extra,
  });
  const signature = { name: 'half', params: [{ name: 'n', type: 'int' }], returns: 'double' };

  async function load(content: object): Promise<ProblemCatalog> {
    const dir = path.join(dataDir, `problems-${Math.random().toString(36).slice(2)}`);
    await mkdir(dir);
    await writeFile(path.join(dir, 'p.json'), JSON.stringify(content));
    return ProblemCatalog.load(dir);
  }

  it('refuses a case whose values do not fit the signature, naming the case', async () => {
    await expect(
      load(problem({ signature, cases: [{ args: [1.5], expected: 0.75 }] })),
    ).rejects.toThrow(/p\.json is invalid.*n must be a 32-bit integer/s);
    await expect(
      load(problem({ signature, cases: [{ args: [1, 2], expected: 0.5 }] })),
    ).rejects.toThrow(/half takes 1 arguments, the case gives 2/);
    await expect(
      load(problem({ signature: { ...signature, name: 'class' }, cases: [] })),
    ).rejects.toThrow(/p\.json is invalid/);
  });

  it('judges by the function where the language has a harness, else by stdin/stdout', async () => {
    const catalog = await load(
      problem(
        { signature, cases: [{ args: [3], expected: 1.5, hidden: true }] },
        { cases: [{ stdin: '3\n', expected: '1.5\n' }] },
      ),
    );
    const p = catalog.get('p')!;
    expect(catalog.judging(p, 'go')).toEqual({
      cases: [{ stdin: '[3]', expected: '1.5', hidden: true }],
      harness: { signature, comparison: { tolerance: 1e-6, anyOrder: false } },
    });
    expect(catalog.judging(p, 'rust')).toEqual({
      cases: [{ stdin: '3\n', expected: '1.5\n', hidden: false }],
      harness: null,
    });
  });
});
