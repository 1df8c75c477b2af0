/**
 * One real server process (apps/server/dist/main.js) for hostile-input tests:
 * its own port, data folder, PostgreSQL database and auth secret, so that a
 * crash is a crash (an exit), not a test harness error. It logs at `warn`;
 * every line it prints is kept, and lines at `error` or above (a 500, a failed
 * socket handler) are collected separately so a test can require none.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createTestDatabase } from '../../src/store/store.contract-postgres.js';
import { tempDir, waitFor } from '../harness.js';
import { freePort } from '../cluster/harness.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');
const SERVER_MAIN = path.join(root, 'apps/server/dist/main.js');

export interface NodeProcess {
  url: string;
  port: number;
  pid: number;
  /** Log lines at level error (50) or fatal (60), and anything printed that is not a log line. */
  readonly errors: readonly string[];
  /** The exit code or signal once it exited; null while alive. */
  exited(): { code: number | null; signal: NodeJS.Signals | null } | null;
  /** The last lines it printed, for a failing test's message. */
  tail(chars?: number): string;
  /** Resident set size from /proc/<pid>/status, in bytes. */
  rss(): Promise<number>;
  stop(): Promise<void>;
}

/** pino's numeric levels: 50 error, 60 fatal. */
const ERROR_LEVEL = 50;

export async function startNodeProcess(env: Record<string, string> = {}): Promise<NodeProcess> {
  if (!existsSync(SERVER_MAIN)) {
    throw new Error(`${SERVER_MAIN} is missing: build first (npx tsc -b)`);
  }
  const db = await createTestDatabase();
  const tmp = await tempDir('tandem-hostile-');
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const output: string[] = [];
  const errors: string[] = [];
  let partial = '';
  const child: ChildProcess = spawn(process.execPath, [SERVER_MAIN], {
    env: {
      PATH: process.env['PATH'] ?? '',
      PORT: String(port),
      HOST: '127.0.0.1',
      DATA_DIR: path.join(tmp.dir, 'data'),
      DATABASE_URL: db.url,
      AUTH_SECRET: randomBytes(32).toString('hex'),
      LOG_LEVEL: 'warn',
      WEB_DIR: path.join(tmp.dir, 'no-web'),
      // A capped old space makes V8 collect before it grows, so memory read after a run is
      // what is retained, not garbage left for later (uncapped, the REST fuzz read +120 MiB of
      // heap; capped at 128 MiB, +14 MiB); a leak past the cap would crash the node.
      NODE_OPTIONS: '--max-old-space-size=192',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let exit: { code: number | null; signal: NodeJS.Signals | null } | null = null;
  const gone = new Promise<void>((resolve) =>
    child.once('exit', (code, signal) => {
      exit = { code, signal };
      resolve();
    }),
  );
  const keep = (chunk: Buffer) => {
    const text = partial + chunk.toString();
    const lines = text.split('\n');
    partial = lines.pop() ?? '';
    for (const line of lines) {
      if (line.trim() === '') continue;
      output.push(line);
      if (output.length > 400) output.shift();
      let level = ERROR_LEVEL;
      try {
        level = (JSON.parse(line) as { level?: number }).level ?? ERROR_LEVEL;
      } catch {
        // Not a log line (a stack trace, a crash): counts as an error.
      }
      if (level >= ERROR_LEVEL) errors.push(line);
    }
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  const tail = (chars = 4_000) => output.join('\n').slice(-chars);

  const stop = async () => {
    if (exit === null) {
      child.kill('SIGKILL');
      await gone;
    }
    await db.drop().catch(() => undefined);
    await tmp.remove();
  };

  await waitFor(
    async () => {
      if (exit !== null) throw new Error(`the server exited at start:\n${tail()}`);
      return fetch(`${url}/readyz`).then(
        (r) => r.ok,
        () => false,
      );
    },
    'the server to be ready',
    120_000,
  ).catch(async (err: Error) => {
    await stop();
    throw new Error(`${err.message}; it printed:\n${tail()}`);
  });

  return {
    url,
    port,
    pid: child.pid!,
    errors,
    exited: () => exit,
    tail,
    async rss() {
      const status = await readFile(`/proc/${child.pid}/status`, 'utf8');
      const kb = /^VmRSS:\s+(\d+) kB/m.exec(status)?.[1];
      if (kb === undefined) throw new Error('no VmRSS in /proc/<pid>/status');
      return Number(kb) * 1024;
    },
    stop,
  };
}
