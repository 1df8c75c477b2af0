import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import { createTestDatabase } from '../../src/store/store.contract-postgres.js';
import { tempDir, waitFor } from '../harness.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');
const SERVER_MAIN = path.join(root, 'apps/server/dist/main.js');
export const REDIS_URL = process.env['TEST_REDIS_URL'] ?? 'redis://127.0.0.1:6379';

/** A free TCP port on loopback (the kernel's pick, released at once). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

export interface ClusterNode {
  name: string;
  port: number;
  url: string;
  process: ChildProcess | null;
  /** Everything the node printed, for a failing test's message. */
  output: string[];
}

export interface NodeExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface TestCluster {
  nodes: ClusterNode[];
  /** nginx, with the shipped configuration, in front of every node. */
  url: string;
  databaseUrl: string;
  redisPrefix: string;
  /** Signals the node and resolves when it has exited, with how. */
  kill(node: ClusterNode, signal?: NodeJS.Signals): Promise<NodeExit>;
  start(node: ClusterNode): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Three (or `size`) real server processes on PostgreSQL and Redis, behind
 * nginx running deploy/nginx/nginx.conf with the nodes' loopback addresses.
 * Each cluster has its own database and Redis key prefix.
 */
export async function startCluster(
  options: {
    size?: number;
    env?: Record<string, string>;
    /** A Redis of the test's own (to stop and restart); default: the machine's. */
    redisUrl?: string;
    /** A database of the test's own; default: a fresh database on the machine's PostgreSQL. */
    databaseUrl?: string;
  } = {},
): Promise<TestCluster> {
  if (!existsSync(SERVER_MAIN)) {
    throw new Error(`${SERVER_MAIN} is missing: build first (npx tsc -b)`);
  }
  const db = options.databaseUrl
    ? { url: options.databaseUrl, drop: async () => {} }
    : await createTestDatabase();
  const redisUrl = options.redisUrl ?? REDIS_URL;
  const redisPrefix = `tandem-cluster-${randomBytes(4).toString('hex')}`;
  const tmp = await tempDir('tandem-cluster-');
  const authSecret = randomBytes(32).toString('hex');
  const nodes: ClusterNode[] = [];
  for (let i = 1; i <= (options.size ?? 3); i++) {
    const port = await freePort();
    nodes.push({
      name: `node${i}`,
      port,
      url: `http://127.0.0.1:${port}`,
      process: null,
      output: [],
    });
  }

  async function start(node: ClusterNode): Promise<void> {
    const child = spawn(process.execPath, [SERVER_MAIN], {
      env: {
        PATH: process.env['PATH'] ?? '',
        PORT: String(node.port),
        HOST: '127.0.0.1',
        DATA_DIR: path.join(tmp.dir, node.name),
        DATABASE_URL: db.url,
        REDIS_URL: redisUrl,
        REDIS_PREFIX: redisPrefix,
        AUTH_SECRET: authSecret,
        LOG_LEVEL: 'info',
        WEB_DIR: path.join(tmp.dir, 'no-web'),
        ...options.env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    node.process = child;
    const keep = (chunk: Buffer) => {
      node.output.push(chunk.toString());
      if (node.output.length > 200) node.output.shift();
    };
    child.stdout!.on('data', keep);
    child.stderr!.on('data', keep);
    let exited = false;
    child.once('exit', () => {
      exited = true;
      if (node.process === child) node.process = null;
    });
    await waitFor(
      async () => {
        if (exited) throw new Error(`${node.name} exited at start:\n${node.output.join('')}`);
        return fetch(`${node.url}/readyz`).then(
          (r) => r.ok,
          () => false,
        );
      },
      `${node.name} to be ready`,
      120_000,
    ).catch((err: Error) => {
      throw new Error(`${err.message}; it printed:\n${node.output.join('').slice(-4_000)}`);
    });
  }

  async function kill(node: ClusterNode, signal: NodeJS.Signals = 'SIGKILL'): Promise<NodeExit> {
    const child = node.process;
    if (!child) return { code: null, signal: null };
    const gone = new Promise<NodeExit>((resolve) =>
      child.once('exit', (code, sig) => resolve({ code, signal: sig })),
    );
    child.kill(signal);
    return gone;
  }

  // A cluster that fails to come up leaves no process behind.
  const abandon = async (err: unknown): Promise<never> => {
    await Promise.all(nodes.map((n) => kill(n, 'SIGKILL')));
    await db.drop().catch(() => undefined);
    await tmp.remove();
    throw err;
  };
  await Promise.all(nodes.map(start)).catch(abandon);

  const nginxPort = await freePort();
  const nginxDir = path.join(tmp.dir, 'nginx');
  await mkdir(path.join(nginxDir, 'logs'), { recursive: true });
  let conf = await readFile(path.join(root, 'deploy/nginx/nginx.conf'), 'utf8');
  for (const node of nodes) conf = conf.replaceAll(`${node.name}:3000`, `127.0.0.1:${node.port}`);
  // A smaller cluster than the shipped three: drop the upstreams it does not have.
  conf = conf.replace(/^\s*server node\d+:\d+[^;]*;\n/gm, '');
  conf = conf.replace('listen 80;', `listen 127.0.0.1:${nginxPort};`);
  const header = [
    `pid ${nginxDir}/nginx.pid;`,
    `error_log ${nginxDir}/logs/error.log warn;`,
    'daemon off;',
    'user root;',
  ].join('\n');
  conf = conf.replace(
    /http \{/,
    `http {\n  access_log off;\n  client_body_temp_path ${nginxDir}/body;\n  proxy_temp_path ${nginxDir}/proxy;`,
  );
  await writeFile(path.join(nginxDir, 'nginx.conf'), `${header}\n${conf}`);
  const nginx = spawn('nginx', ['-p', nginxDir, '-c', path.join(nginxDir, 'nginx.conf')], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const nginxErr: string[] = [];
  nginx.stderr!.on('data', (c: Buffer) => nginxErr.push(c.toString()));
  const url = `http://127.0.0.1:${nginxPort}`;
  await waitFor(
    () =>
      fetch(`${url}/healthz`).then(
        (r) => r.ok,
        () => {
          if (nginx.exitCode !== null) throw new Error(`nginx exited: ${nginxErr.join('')}`);
          return false;
        },
      ),
    'nginx to answer',
    20_000,
  ).catch(async (err: unknown) => {
    nginx.kill('SIGKILL');
    return abandon(err);
  });

  return {
    nodes,
    url,
    databaseUrl: db.url,
    redisPrefix,
    kill,
    start,
    async stop() {
      nginx.kill('SIGTERM');
      await Promise.all(nodes.map((n) => kill(n, 'SIGKILL')));
      await db.drop().catch(() => undefined);
      const redis = new Redis(redisUrl, { maxRetriesPerRequest: 1, retryStrategy: () => null });
      try {
        const keys = await redis.keys(`${redisPrefix}*`);
        if (keys.length > 0) await redis.del(...keys);
      } catch {
        // A test's own Redis may be gone already.
      } finally {
        redis.disconnect();
      }
      await tmp.remove();
    },
  };
}
