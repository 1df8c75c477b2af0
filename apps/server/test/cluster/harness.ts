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

export interface TestCluster {
  nodes: ClusterNode[];
  /** nginx, with the shipped configuration, in front of every node. */
  url: string;
  databaseUrl: string;
  redisPrefix: string;
  kill(node: ClusterNode, signal?: NodeJS.Signals): Promise<void>;
  start(node: ClusterNode): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Three (or `size`) real server processes on PostgreSQL and Redis, behind
 * nginx running deploy/nginx/nginx.conf with the nodes' loopback addresses.
 * Each cluster has its own database and Redis key prefix.
 */
export async function startCluster(
  options: { size?: number; env?: Record<string, string> } = {},
): Promise<TestCluster> {
  if (!existsSync(SERVER_MAIN)) {
    throw new Error(`${SERVER_MAIN} is missing: build first (npx tsc -b)`);
  }
  const db = await createTestDatabase();
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
        REDIS_URL: REDIS_URL,
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
      60_000,
    );
  }

  async function kill(node: ClusterNode, signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    const child = node.process;
    if (!child) return;
    const gone = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill(signal);
    await gone;
  }

  await Promise.all(nodes.map(start));

  const nginxPort = await freePort();
  const nginxDir = path.join(tmp.dir, 'nginx');
  await mkdir(path.join(nginxDir, 'logs'), { recursive: true });
  let conf = await readFile(path.join(root, 'deploy/nginx/nginx.conf'), 'utf8');
  for (const node of nodes) conf = conf.replaceAll(`${node.name}:3000`, `127.0.0.1:${node.port}`);
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
  );

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
      const redis = new Redis(REDIS_URL);
      try {
        const keys = await redis.keys(`${redisPrefix}*`);
        if (keys.length > 0) await redis.del(...keys);
      } finally {
        redis.disconnect();
      }
      await tmp.remove();
    },
  };
}
