/**
 * Cluster-shaped systems for the scale-out benchmarks: N of our server nodes
 * on one fresh PostgreSQL database and a Redis (the deploy/ shape, without
 * nginx: the load generator picks each client's node itself), or N
 * Hocuspocus servers joined by `@hocuspocus/extension-redis`. Every start
 * has its own database and Redis key prefix; `stop()` ends every process it
 * started and drops the database.
 */
import { randomBytes } from 'node:crypto';
import { config } from '../config.js';
import { tempDir } from '../runs/common.js';
import { startServer, startPeer, type RunningServer } from './launch.js';
import { createDatabase } from './services.js';

export interface RunningCluster {
  nodes: RunningServer[];
  stop(): Promise<void>;
}

async function startAll(
  count: number,
  startOne: (i: number) => Promise<RunningServer>,
  cleanup: () => Promise<void>,
): Promise<RunningCluster> {
  const started = await Promise.allSettled(Array.from({ length: count }, (_, i) => startOne(i)));
  const nodes = started.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
  const stop = async () => {
    await Promise.all(nodes.map((n) => n.stop()));
    await cleanup();
  };
  const failed = started.find((s) => s.status === 'rejected');
  if (failed) {
    await stop();
    throw failed.reason;
  }
  return { nodes, stop };
}

/** Our server as `count` nodes sharing one new database and `redisUrl` (own key prefix). */
export async function startOursCluster(
  count: number,
  redisUrl: string,
  extraEnv: Record<string, string> = {},
): Promise<RunningCluster> {
  const db = await createDatabase();
  const data = tempDir('cluster');
  const env = {
    DATABASE_URL: db.url,
    REDIS_URL: redisUrl,
    REDIS_PREFIX: `tandem-bench-${randomBytes(4).toString('hex')}`,
    // Every node must accept the guest tokens and sessions the others issue.
    AUTH_SECRET: randomBytes(32).toString('hex'),
    WEB_DIR: `${data.path}/no-web`,
    ...extraEnv,
  };
  // One node first: it runs the migrations, which two nodes starting together would race on.
  const first = await startServer('ours', {
    timeoutMs: config.startTimeoutMs,
    dataDir: `${data.path}/node0`,
    env,
  }).catch(async (err: unknown) => {
    await db.drop().catch(() => undefined);
    data.dispose();
    throw err;
  });
  const rest = await startAll(
    count - 1,
    (i) =>
      startServer('ours', {
        timeoutMs: config.startTimeoutMs,
        dataDir: `${data.path}/node${i + 1}`,
        env,
      }),
    async () => {
      await first.stop();
      await db.drop().catch(() => undefined);
      data.dispose();
    },
  );
  return { nodes: [first, ...rest.nodes], stop: rest.stop };
}

/** `@hocuspocus/server` as `count` instances joined by its Redis extension (own key prefix). */
export function startHocuspocusCluster(count: number, redisUrl: string): Promise<RunningCluster> {
  const env = {
    REDIS_URL: redisUrl,
    REDIS_PREFIX: `hocuspocus-bench-${randomBytes(4).toString('hex')}`,
  };
  return startAll(
    count,
    () =>
      startPeer('hocuspocus', {
        timeoutMs: config.startTimeoutMs,
        script: 'hocuspocus-redis.mjs',
        env,
      }),
    async () => {},
  );
}
