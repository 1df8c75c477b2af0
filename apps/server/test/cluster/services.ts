import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import { Redis } from 'ioredis';
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
