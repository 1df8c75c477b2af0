import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chown, mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { Redis } from 'ioredis';
import pg from 'pg';
import { waitFor } from '../harness.js';
import { freePort } from './harness.js';

/**
 * A Redis server of the test's own, so a test can stop, pause and restart it
 * without touching the machine's. AOF on and no eviction, as in production.
 */
export async function startRedis(dir: string): Promise<{
  url: string;
  pause(): void;
  resume(): void;
  restart(): Promise<void>;
  stop(): Promise<void>;
}> {
  const port = await freePort();
  await mkdir(dir, { recursive: true });
  let child: ChildProcess | null = null;
  const url = `redis://127.0.0.1:${port}`;
  async function start(): Promise<void> {
    child = spawn(
      'redis-server',
      [
        '--port',
        String(port),
        '--bind',
        '127.0.0.1',
        '--dir',
        dir,
        '--save',
        '',
        '--appendonly',
        'yes',
        '--appendfsync',
        'always',
        '--maxmemory-policy',
        'noeviction',
      ],
      { stdio: 'ignore' },
    );
    await waitFor(async () => {
      const probe = new Redis(url, {
        lazyConnect: true,
        maxRetriesPerRequest: 0,
        retryStrategy: () => null,
      });
      probe.on('error', () => undefined); // refused until it is up: that is what is polled
      try {
        await probe.connect();
        return (await probe.ping()) === 'PONG';
      } catch {
        return false;
      } finally {
        probe.disconnect();
      }
    }, 'Redis to answer');
  }
  async function stop(): Promise<void> {
    const c = child;
    if (!c || c.exitCode !== null) return;
    const gone = new Promise((resolve) => c.once('exit', resolve));
    c.kill('SIGCONT');
    c.kill('SIGTERM');
    await gone;
  }
  await start();
  return {
    url,
    pause: () => child?.kill('SIGSTOP'),
    resume: () => child?.kill('SIGCONT'),
    async restart() {
      await stop();
      await start();
    },
    stop,
  };
}

const PG_BIN = process.env['TEST_PG_BIN'] ?? '/usr/lib/postgresql/15/bin';

/** Runs a PostgreSQL program as the `postgres` OS user (initdb and postgres refuse root). */
function asPostgres(program: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(
      'runuser',
      ['-u', 'postgres', '--', path.join(PG_BIN, program), ...args],
      { timeout: 120_000 },
      (err, stdout, stderr) => {
        if (err) reject(new Error(`${program} ${args.join(' ')} failed: ${stderr || err.message}`));
        else resolve(stdout);
      },
    );
  });
}

/**
 * A PostgreSQL server of the test's own (initdb in `dir`, trust auth, a free
 * port on loopback), so a test can restart or stop it without touching the
 * machine's. `pg_ctl` starts the postmaster in a session of its own with its
 * output in a log file: it outlives the pg_ctl process and holds no pipe of
 * ours, so a restart is the server's, not the test process's.
 */
export async function startPostgres(dir: string): Promise<{
  url: string;
  port: number;
  /** `fast`: clients are disconnected cleanly (57P01); `immediate`: a crash and crash recovery. */
  restart(mode: 'fast' | 'immediate'): Promise<void>;
  stop(mode?: 'fast' | 'immediate'): Promise<void>;
  start(): Promise<void>;
  /** The server's log, for a failing test's message. */
  log(): Promise<string>;
}> {
  const port = await freePort();
  await mkdir(dir, { recursive: true });
  // The server's files, lock file and socket live here, all the postgres user's.
  await chown(dir, ...(await postgresIds()));
  const data = path.join(dir, 'data');
  const logFile = path.join(dir, 'postgres.log');
  await asPostgres('initdb', [
    '-D',
    data,
    '-U',
    'postgres',
    '--auth=trust',
    '--no-sync',
    '-E',
    'UTF8',
  ]);
  const options = [
    `-p ${port}`,
    '-c listen_addresses=127.0.0.1',
    `-k ${dir}`,
    '-c fsync=off',
    '-c full_page_writes=off',
  ].join(' ');
  const url = `postgres://postgres@127.0.0.1:${port}/postgres`;
  async function start(): Promise<void> {
    await asPostgres('pg_ctl', [
      '-D',
      data,
      '-l',
      logFile,
      '-o',
      options,
      '-w',
      '-t',
      '60',
      'start',
    ]);
    await waitFor(async () => {
      const probe = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2_000 });
      try {
        await probe.connect();
        await probe.query('select 1');
        return true;
      } catch {
        return false;
      } finally {
        await probe.end().catch(() => undefined);
      }
    }, 'PostgreSQL to answer');
  }
  async function stop(mode: 'fast' | 'immediate' = 'fast'): Promise<void> {
    await asPostgres('pg_ctl', ['-D', data, '-m', mode, '-w', '-t', '60', 'stop']);
  }
  await start();
  return {
    url,
    port,
    async restart(mode) {
      await stop(mode);
      await start();
    },
    async stop(mode = 'fast') {
      if (existsSync(path.join(data, 'postmaster.pid'))) await stop(mode);
    },
    start,
    log: () => readFile(logFile, 'utf8').catch(() => ''),
  };
}

async function postgresIds(): Promise<[number, number]> {
  const [uid, gid] = await Promise.all(
    ['-u', '-g'].map(
      (flag) =>
        new Promise<number>((resolve, reject) =>
          execFile('id', [flag, 'postgres'], (err, out) =>
            err ? reject(err) : resolve(Number(out.trim())),
          ),
        ),
    ),
  );
  return [uid!, gid!];
}
