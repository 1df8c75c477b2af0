import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const MAIN = path.join(ROOT, 'apps/server/dist/main.js');
// Generous: on a loaded CI machine the first boot (PGlite, sandbox probes) takes tens of seconds.
const READY_TIMEOUT_MS = 90_000;
const READY_POLL_MS = 50;
/** Keeps the tail of the server's output for the failure report, not all of it. */
const MAX_LOG_CHARS = 200_000;

/** Asks the OS for a port nobody listens on, so a restart can take the same one again. */
async function freePort(): Promise<number> {
  const probe = createServer();
  probe.listen(0, '127.0.0.1');
  await once(probe, 'listening');
  const address = probe.address();
  probe.close();
  await once(probe, 'close');
  if (address === null || typeof address === 'string') throw new Error('no TCP port assigned');
  return address.port;
}

/**
 * The real built server (`apps/server/dist/main.js`) as a child process on a free
 * port with its own temporary DATA_DIR. It can be killed like a crash (SIGKILL)
 * and started again on the same port and data. `dispose()` kills it and deletes
 * the data; the `server` fixture calls it.
 */
export class TandemServer {
  private child: ChildProcess | null = null;
  private output = '';
  private written = 0;

  private constructor(
    readonly port: number,
    readonly dataDir: string,
    private readonly env: Record<string, string>,
  ) {}

  /** Starts a server (with extra environment, e.g. `SANDBOX_BACKEND`) and resolves once `GET /readyz` answers 200. */
  static async start(env: Record<string, string> = {}): Promise<TandemServer> {
    const dataDir = await mkdtemp(path.join(tmpdir(), 'tandem-e2e-'));
    const server = new TandemServer(await freePort(), dataDir, env);
    try {
      await server.restart();
    } catch (err) {
      await server.dispose();
      throw err;
    }
    return server;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** A position in the server's output, for `logSince`. */
  get logMark(): number {
    return this.written;
  }

  /** What the server printed since `mark` (at most the last 200 kB), for a failed test. */
  logSince(mark = 0): string {
    return this.output.slice(Math.max(0, mark - (this.written - this.output.length)));
  }

  /** (Re)starts the process on the same port and data dir; resolves when it is ready. */
  async restart(): Promise<void> {
    if (this.child) throw new Error('server is already running');
    const child = spawn(process.execPath, [MAIN], {
      cwd: ROOT,
      env: {
        ...process.env,
        PORT: String(this.port),
        HOST: '127.0.0.1',
        DATA_DIR: this.dataDir,
        LOG_LEVEL: process.env['E2E_LOG_LEVEL'] ?? 'info',
        DATABASE_URL: '',
        PUBLIC_URL: '',
        ...this.env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    const record = (chunk: Buffer) => {
      const text = chunk.toString('utf8');
      this.written += text.length;
      this.output = (this.output + text).slice(-MAX_LOG_CHARS);
    };
    child.stdout?.on('data', record);
    child.stderr?.on('data', record);
    child.once('exit', () => {
      if (this.child === child) this.child = null;
    });
    await this.waitUntilReady(child);
  }

  /** Kills the process the way a crash would: no shutdown hooks, no flush. */
  async kill(): Promise<void> {
    const child = this.child;
    if (!child) return;
    const exited = once(child, 'exit');
    child.kill('SIGKILL');
    await exited;
  }

  async dispose(): Promise<void> {
    await this.kill();
    await rm(this.dataDir, { recursive: true, force: true });
  }

  private async waitUntilReady(child: ChildProcess): Promise<void> {
    const deadline = Date.now() + READY_TIMEOUT_MS;
    const fail = (reason: string) =>
      new Error(
        `Tandem server on port ${this.port} ${reason}\n--- server output ---\n${this.logSince()}`,
      );
    for (;;) {
      if (child.exitCode !== null || child.signalCode !== null) {
        throw fail(`exited (${child.exitCode ?? child.signalCode}) before it was ready`);
      }
      if (Date.now() > deadline) throw fail(`not ready within ${READY_TIMEOUT_MS} ms`);
      try {
        const res = await fetch(`${this.url}/readyz`);
        if (res.status === 200) return;
      } catch {
        // Not listening yet.
      }
      await new Promise((resolve) => setTimeout(resolve, READY_POLL_MS));
    }
  }
}
