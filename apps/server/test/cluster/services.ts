import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { chown, mkdir } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { Redis } from 'ioredis';
import pg from 'pg';
import { waitFor } from '../harness.js';
import { freePort } from './harness.js';

const run = promisify(execFile);

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

const PG_BIN = '/usr/lib/postgresql/15/bin';

/** Runs a PostgreSQL program as the postgres user (the server refuses to run as root). */
function asPostgres(program: string, args: string[]) {
  return run('runuser', ['-u', 'postgres', '--', path.join(PG_BIN, program), ...args]);
}

/** A PostgreSQL server of the test's own (trust auth on loopback), to restart at will. */
export async function startPostgres(dir: string): Promise<{
  url: string;
  restart(mode: 'fast' | 'immediate'): Promise<void>;
  stop(): Promise<void>;
}> {
  const port = await freePort();
  const data = path.join(dir, 'pgdata');
  await mkdir(data, { recursive: true });
  await chown(dir, 101, 104).catch(() => undefined);
  await run('chown', ['-R', 'postgres:postgres', dir]);
  await asPostgres('initdb', ['-D', data, '-A', 'trust', '-U', 'postgres', '--no-sync']);
  const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=on`;
  const url = `postgres://postgres@127.0.0.1:${port}/postgres`;
  async function start(): Promise<void> {
    await asPostgres('pg_ctl', [
      '-D',
      data,
      '-o',
      options,
      '-l',
      path.join(dir, 'log'),
      '-w',
      'start',
    ]);
    await waitFor(
      async () => {
        const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 1_000 });
        try {
          await client.connect();
          await client.query('select 1');
          return true;
        } catch {
          return false;
        } finally {
          await client.end().catch(() => undefined);
        }
      },
      'PostgreSQL to answer',
      30_000,
    );
  }
  async function stop(mode: 'fast' | 'immediate' = 'fast'): Promise<void> {
    await asPostgres('pg_ctl', ['-D', data, '-m', mode, '-w', 'stop']).catch(() => undefined);
  }
  await start();
  return {
    url,
    async restart(mode) {
      await stop(mode);
      await start();
    },
    stop: () => stop('fast'),
  };
}
