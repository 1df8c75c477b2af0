/**
 * Starts one system's server in its own child process on 127.0.0.1, waits
 * until it serves, and stops it. Each server gets a process of its own so its
 * CPU and memory are measured alone and it never shares an event loop with
 * the load generator.
 */
import { fork, spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { config } from '../config.js';
import type { SystemName } from '../systems.js';
import { sampleProcess, type ProcSample } from '../proc-stats.js';

const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
export const OUR_SERVER_MAIN = config.oursMain || `${REPO_ROOT}apps/server/dist/main.js`;

export interface StartOptions {
  /** Where the server keeps data across restarts (ours: DATA_DIR; peers: state files). */
  dataDir?: string;
  timeoutMs: number;
  /** Added to the child's environment (ours: DATABASE_URL, REDIS_URL...; peers: their own settings). */
  env?: Record<string, string>;
  /** A peer's script in this folder, when it is not `<system>.mjs`. */
  script?: string;
}

export interface RunningServer {
  system: SystemName | 'fastify-hello';
  /** HTTP origin, e.g. http://127.0.0.1:41234 */
  url: string;
  pid: number;
  sample(): ProcSample | undefined;
  stop(): Promise<void>;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      srv.close(() =>
        typeof addr === 'object' && addr ? resolve(addr.port) : reject(new Error('no port')),
      );
    });
  });
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const kill = setTimeout(() => child.kill('SIGKILL'), 10_000);
    child.once('exit', () => {
      clearTimeout(kill);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

/** Collects the child's stderr tail so a failed start says why. */
function tail(child: ChildProcess): () => string {
  let text = '';
  const keep = (chunk: Buffer) => {
    text = (text + chunk.toString('utf8')).slice(-4000);
  };
  child.stderr?.on('data', keep);
  child.stdout?.on('data', keep);
  return () => text.trim();
}

async function waitReady(
  url: string,
  child: ChildProcess,
  logs: () => string,
  timeoutMs: number,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null)
      throw new Error(`server exited with code ${child.exitCode}: ${logs()}`);
    try {
      const res = await fetch(`${url}/readyz`);
      if (res.status === 200) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`GET /readyz did not answer 200 within ${timeoutMs} ms: ${logs()}`);
}

async function startOurs(opts: StartOptions): Promise<RunningServer> {
  if (!existsSync(OUR_SERVER_MAIN))
    throw new Error(`${OUR_SERVER_MAIN} not built (run npm run build)`);
  if (!opts.dataDir) throw new Error('our server needs a data dir');
  const port = await freePort();
  const child = spawn(process.execPath, [...config.oursNodeArgs, OUR_SERVER_MAIN], {
    cwd: REPO_ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      ...process.env,
      PORT: String(port),
      HOST: '127.0.0.1',
      DATA_DIR: opts.dataDir,
      LOG_LEVEL: 'warn',
      // The bench creates hundreds of rooms from one address.
      ROOM_CREATE_LIMIT: '100000',
      NODE_ENV: 'production',
      ...opts.env,
    },
  });
  const logs = tail(child);
  const url = `http://127.0.0.1:${port}`;
  try {
    await waitReady(url, child, logs, opts.timeoutMs);
  } catch (err) {
    await stopChild(child);
    throw err;
  }
  return {
    system: 'ours',
    url,
    pid: child.pid!,
    sample: () => sampleProcess(child.pid!),
    stop: () => stopChild(child),
  };
}

/** Starts one of the scripts in this folder; it reports its port over IPC. */
export async function startPeer(
  system: Exclude<SystemName, 'ours'> | 'fastify-hello',
  opts: StartOptions,
): Promise<RunningServer> {
  const script = fileURLToPath(new URL(`./${opts.script ?? `${system}.mjs`}`, import.meta.url));
  const child = fork(script, [], {
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    env: {
      ...process.env,
      ...(opts.dataDir ? { PERSIST_DIR: opts.dataDir } : {}),
      NODE_ENV: 'production',
      ...opts.env,
    },
    execArgv: [],
  });
  const logs = tail(child);
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`${system} did not report a port: ${logs()}`)),
      opts.timeoutMs,
    );
    child.once('message', (msg: { port: number }) => {
      clearTimeout(timer);
      resolve(msg.port);
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${system} exited with code ${code}: ${logs()}`));
    });
  });
  return {
    system,
    url: `http://127.0.0.1:${port}`,
    pid: child.pid!,
    sample: () => sampleProcess(child.pid!),
    stop: () => stopChild(child),
  };
}

export function startServer(system: SystemName, opts: StartOptions): Promise<RunningServer> {
  return system === 'ours' ? startOurs(opts) : startPeer(system, opts);
}
