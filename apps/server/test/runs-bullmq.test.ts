/**
 * The scaled shape of runs: a server with REDIS_URL hands runs to worker
 * processes (`node apps/worker/dist/main.js`) through BullMQ on the real Redis.
 * Every key lives under a random prefix, deleted afterwards.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { RoomConnection, TandemApi } from '@tandem/client';
import type { RunView } from '@tandem/protocol';
import { buildApp } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { BullMqExecutor } from '../src/runs/bullmq-executor.js';
import type { ExecutorFactory } from '../src/runs/executor.js';
import { createStore } from '../src/store/index.js';
import { tempDir, waitFor } from './harness.js';

const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const WORKER_MAIN = path.join(ROOT, 'apps/worker/dist/main.js');
const PREFIX = `tandem-test-${randomBytes(4).toString('hex')}`;

const SLOW_PY = 'import time\ntime.sleep(4)\nprint("slow done")\n';
const SUM_PY = 'a, b = map(int, input().split())\nprint(a + b)\n';

interface Server {
  url: string;
  api: TandemApi;
  app: Awaited<ReturnType<typeof buildApp>>;
  stop(): Promise<void>;
}

const cleanups: (() => Promise<void>)[] = [];
const workers = new Set<ChildProcess>();
const conns: RoomConnection[] = [];
let redis: Redis;
let server: Server;

async function startServer(prefix: string, executor?: ExecutorFactory): Promise<Server> {
  const tmp = await tempDir();
  const config = loadConfig({
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    DATA_DIR: tmp.dir,
    PORT: '0',
    HOST: '127.0.0.1',
    WEB_DIR: path.join(tmp.dir, 'no-web'),
    REDIS_URL,
    REDIS_PREFIX: prefix,
    // The node hands two runs to the queue; each test worker runs one at a time,
    // so a second run really waits in BullMQ.
    RUN_CONCURRENCY: '2',
    RUN_RATE_PER_USER: '100',
    RUN_RATE_PER_ROOM: '100',
  });
  const logger = pino({ level: config.logLevel });
  const store = await createStore(config, logger);
  const app = await buildApp({ config, store, logger, ...(executor ? { executor } : {}) });
  await app.http.listen({ port: 0, host: '127.0.0.1' });
  const address = app.http.server.address();
  const url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    await app.close();
    await store.close();
    await tmp.remove();
  };
  cleanups.push(stop);
  return { url, api: new TandemApi(url), app, stop };
}

/** A real worker process; resolves once its announcement is in Redis. */
async function startWorker(prefix = PREFIX): Promise<ChildProcess> {
  const before = new Set(await redis.keys(`${prefix}:worker:*`));
  const child = spawn(process.execPath, [WORKER_MAIN], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH,
      REDIS_URL,
      REDIS_PREFIX: prefix,
      RUN_CONCURRENCY: '1',
      LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'error',
    },
    stdio: ['ignore', 'inherit', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  workers.add(child);
  child.once('exit', () => workers.delete(child));
  await waitFor(
    async () => {
      if (child.exitCode !== null) throw new Error(`the worker exited: ${stderr}`);
      const keys = await redis.keys(`${prefix}:worker:*`);
      return keys.some((k) => !before.has(k));
    },
    'the worker announces itself',
    30_000,
  );
  return child;
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

async function pair(s = server): Promise<{ roomId: string; a: RoomConnection; b: RoomConnection }> {
  const room = await s.api.createRoom({ title: 'runs' });
  const open = (name: string) =>
    new RoomConnection({ url: s.url, roomId: room.id, name, resyncIntervalMs: 0 });
  const a = open('Ada');
  const b = open('Bob');
  conns.push(a, b);
  await Promise.all([a.whenSynced(), b.whenSynced()]);
  return { roomId: room.id, a, b };
}

/** Every update of one run seen by `conn`, and its finished view. */
function watch(conn: RoomConnection) {
  const ref: { id?: string } = {};
  const updates: RunView[] = [];
  const done = new Promise<RunView>((resolve) => {
    const off = conn.on('run', (r) => {
      if (r.id !== ref.id) return;
      updates.push(r);
      if (r.status === 'finished') {
        off();
        resolve(r);
      }
    });
  });
  return { ref, updates, done };
}

async function deleteKeys(prefix: string): Promise<void> {
  const keys = await redis.keys(`${prefix}:*`);
  if (keys.length > 0) await redis.del(...keys);
}

beforeAll(async () => {
  if (!existsSync(WORKER_MAIN)) {
    throw new Error(`${WORKER_MAIN} is missing: build first with \`npx tsc -b\``);
  }
  redis = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 });
  await startWorker();
  server = await startServer(PREFIX);
  await server.app.runs.initialized;
});

afterEach(() => {
  for (const c of conns.splice(0)) c.destroy();
});

afterAll(async () => {
  for (const child of workers) child.kill('SIGKILL');
  for (const cleanup of cleanups) await cleanup();
  await deleteKeys(PREFIX);
  await deleteKeys(`${PREFIX}-late`);
  await redis.quit();
});

describe('runs through BullMQ and worker processes', () => {
  it('a run reaches everyone in the room with its output', async () => {
    const { a, b } = await pair();
    const atA = watch(a);
    const atB = watch(b);
    const id = (await a.run({ language: 'python', source: 'print(input()[::-1])', stdin: 'abc' }))
      .id;
    atA.ref.id = id;
    atB.ref.id = id;
    const [ra, rb] = await Promise.all([atA.done, atB.done]);
    expect(ra).toEqual(rb);
    expect(ra.verdict).toBe('ok');
    expect(ra.result?.stdout).toBe('cba\n');
    expect(ra.backend).toBe(server.app.runs.sandboxInfo().backend);
  });

  it('a judged run reports each case as it finishes', async () => {
    const { a, b } = await pair();
    const atB = watch(b);
    atB.ref.id = (await a.run({ language: 'python', source: SUM_PY, problemId: 'sum-of-two' })).id;
    const run = await atB.done;
    expect(run.verdict).toBe('accepted');
    expect(run.summary).toEqual({ passed: 4, total: 4 });
    const counts = atB.updates
      .filter((u) => u.status === 'running')
      .map((u) => u.cases?.length ?? 0);
    expect(counts).toEqual(expect.arrayContaining([1, 2, 3]));
  }, 60_000);

  it('cancels a run waiting in the queue and a running one', async () => {
    const { a } = await pair();
    const queue = new Queue('runs', { connection: redis.duplicate(), prefix: PREFIX });
    try {
      const slow = await a.run({ language: 'python', source: SLOW_PY });
      await waitFor(async () => (await queue.getJobState(slow.id)) === 'active', 'slow is active');
      const waiting = await a.run({ language: 'python', source: 'print(1)' });
      await waitFor(
        async () => (await queue.getJobState(waiting.id)) === 'waiting',
        'the second run waits in BullMQ',
      );
      await a.cancelRun(waiting.id);
      await waitFor(
        async () => (await server.api.getRun(waiting.id)).status === 'finished',
        'the waiting run is cancelled',
      );
      expect((await server.api.getRun(waiting.id)).verdict).toBe('cancelled');
      expect(await queue.getJobState(waiting.id)).toBe('unknown');

      await a.cancelRun(slow.id);
      await waitFor(
        async () => (await server.api.getRun(slow.id)).status === 'finished',
        'the running run stops',
      );
      const stopped = await server.api.getRun(slow.id);
      expect(stopped.verdict).toBe('cancelled');
      expect(stopped.result?.stdout ?? '').not.toContain('slow done');
    } finally {
      await queue.close();
    }
  });

  it('a worker killed mid-run: another worker finds the stalled job, the run ends as internal_error', async () => {
    const [first] = workers;
    const { a } = await pair();
    const run = await a.run({ language: 'python', source: 'import time\ntime.sleep(60)\n' });
    await waitFor(
      async () => (await server.api.getRun(run.id)).backend !== null,
      'the run starts on the first worker',
    );
    await startWorker();
    first!.kill('SIGKILL');
    await exited(first!);
    await waitFor(
      async () => (await server.api.getRun(run.id)).status === 'finished',
      'the stalled run is failed',
      30_000,
    );
    expect((await server.api.getRun(run.id)).verdict).toBe('internal_error');
  }, 45_000);

  it('the only worker killed mid-run: the run ends as internal_error, and a new worker takes runs', async () => {
    const { a } = await pair();
    const run = await a.run({ language: 'python', source: 'import time\ntime.sleep(60)\n' });
    await waitFor(async () => (await server.api.getRun(run.id)).backend !== null, 'the run starts');
    for (const child of [...workers]) {
      child.kill('SIGKILL');
      await exited(child);
    }
    await waitFor(
      async () => (await server.api.getRun(run.id)).status === 'finished',
      'the run of the dead worker ends',
      30_000,
    );
    expect((await server.api.getRun(run.id)).verdict).toBe('internal_error');

    await startWorker();
    const again = await server.api.runInRoom((await pair()).roomId, {
      language: 'python',
      source: 'print("back")',
    });
    expect(again.result?.stdout).toBe('back\n');
  }, 60_000);

  it('SIGTERM: a worker finishes its running job, then exits', async () => {
    const [worker] = workers;
    const { a } = await pair();
    const run = await a.run({
      language: 'python',
      source: 'import time\ntime.sleep(1)\nprint("finished")\n',
    });
    await waitFor(async () => (await server.api.getRun(run.id)).backend !== null, 'the run starts');
    worker!.kill('SIGTERM');
    await exited(worker!);
    expect(worker!.exitCode).toBe(0);
    await waitFor(
      async () => (await server.api.getRun(run.id)).status === 'finished',
      'the run finishes',
    );
    const done = await server.api.getRun(run.id);
    expect(done.verdict).toBe('ok');
    expect(done.result?.stdout).toBe('finished\n');
    expect(await redis.scard(`${PREFIX}:workers`)).toBe(0);
  });

  it('a server up before any worker refuses runs, then runs them once a worker appears', async () => {
    const prefix = `${PREFIX}-late`;
    const late = await startServer(prefix, (handlers) => {
      return new BullMqExecutor(handlers, {
        redisUrl: REDIS_URL,
        prefix,
        logger: pino({ level: 'silent' }),
        readyTimeoutMs: 300,
      });
    });
    await late.app.runs.initialized;
    const { roomId } = await pair(late);
    const refused = await late.app.http.inject({
      method: 'POST',
      url: `/api/rooms/${roomId}/runs`,
      payload: { language: 'python', source: 'print(1)' },
    });
    expect(refused.statusCode).toBe(503);
    expect(refused.json()).toMatchObject({ code: 'SANDBOX_UNAVAILABLE' });

    await startWorker(prefix);
    await waitFor(() => late.app.runs.languages().length > 0, 'the late worker is seen', 15_000);
    const run = await late.api.runInRoom(roomId, { language: 'python', source: 'print(6 * 7)' });
    expect(run.verdict).toBe('ok');
    expect(run.result?.stdout).toBe('42\n');
  });

  it('a worker with a bad environment stops at once, naming the variable', async () => {
    const child = spawn(process.execPath, [WORKER_MAIN], {
      env: { PATH: process.env.PATH, REDIS_URL: 'http://x', RUN_CONCURRENCY: 'many' },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr!.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    expect(code).toBe(78);
    expect(stderr).toMatch(/REDIS_URL: expected a redis: or rediss: URL/);
    expect(stderr).toMatch(/RUN_CONCURRENCY: expected a whole number, got "many"/);
  });
});
