/**
 * The services a cluster-shaped run needs, owned by the bench: a fresh
 * PostgreSQL database on the machine's server (created, then dropped), and a
 * redis-server of the bench's own on a free loopback port (so other work on
 * the machine's Redis neither slows nor sees the bench), stopped afterwards.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import pg from 'pg';
import { freePort } from './launch.js';

/** The machine's PostgreSQL (trust auth); BENCH_PG_URL overrides. */
const ADMIN_URL = process.env.BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

async function admin(sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: ADMIN_URL });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

export interface Database {
  url: string;
  drop(): Promise<void>;
}

/** A new, empty database; `drop()` removes it even with connections left open. */
export async function createDatabase(): Promise<Database> {
  const name = `tandem_bench_${randomBytes(6).toString('hex')}`;
  await admin(`create database ${name}`);
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: () => admin(`drop database if exists ${name} with (force)`),
  };
}

export interface OwnRedis {
  url: string;
  stop(): Promise<void>;
}

/** redis-server on 127.0.0.1 and a free port, nothing kept on disk; resolves once it answers PING. */
export async function startRedis(timeoutMs = 20_000): Promise<OwnRedis> {
  const port = await freePort();
  const child: ChildProcess = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  child.stderr!.on('data', (c: Buffer) => (stderr = (stderr + c.toString()).slice(-2000)));
  const url = `redis://127.0.0.1:${port}`;
  const stop = () =>
    new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill('SIGKILL');
    });
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`redis-server exited: ${stderr}`);
    const redis = new Redis(url, {
      lazyConnect: true,
      maxRetriesPerRequest: 0,
      retryStrategy: () => null,
    });
    redis.on('error', () => {}); // refused until it listens: the loop below retries
    try {
      await redis.connect();
      if ((await redis.ping()) === 'PONG') return { url, stop };
    } catch {
      // not listening yet
    } finally {
      redis.disconnect();
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`redis-server did not answer PING within ${timeoutMs} ms: ${stderr}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}
