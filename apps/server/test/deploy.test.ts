import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readFile, readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';
import { OPTIONS, loadConfig } from '../src/config.js';
import { startServer, tempDir, type RunningServer } from './harness.js';

/**
 * The files in deploy/ are not run here (no Docker engine), so this checks what
 * can be checked: they parse, name real images and targets, and agree with the
 * configuration table, the server's routes and each other. nginx's own parser
 * checks the nginx configuration.
 */
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const deploy = (...p: string[]) => path.join(root, 'deploy', ...p);
const run = promisify(execFile);

const CONFIG_ENV = new Set(Object.values(OPTIONS).map((o) => o.env));
/** Official images, pinned to a major version and a Debian release: never `latest`. */
const PINNED_IMAGE = /^(node|postgres|redis|nginx):\d+(\.\d+)*-bookworm(-slim)?$/;
/** Our own images in Kubernetes: a registry path and a version tag. */
const OWN_IMAGE = /^ghcr\.io\/tandem-interviews\/tandem-(server|worker):\d+\.\d+\.\d+$/;

interface Stage {
  from: string;
  name: string | undefined;
  lines: string[];
}

function dockerStages(text: string): Stage[] {
  const joined = text.replace(/\\\n/g, ' ');
  const stages: Stage[] = [];
  for (const line of joined.split('\n').map((l) => l.trim())) {
    if (line === '' || line.startsWith('#')) continue;
    const from = /^FROM\s+(\S+)(?:\s+AS\s+(\S+))?$/i.exec(line);
    if (from) stages.push({ from: from[1]!, name: from[2], lines: [] });
    else stages.at(-1)?.lines.push(line);
  }
  return stages;
}

/** `${VAR:-default}` as compose fills it when VAR is unset; `${VAR:?msg}` from `given`. */
function composeValue(raw: string, given: Record<string, string>): string {
  return raw.replace(/\$\{(\w+)(?::-([^}]*)|:\?[^}]*)?\}/g, (_m, name: string, fallback) => {
    const value = given[name] ?? fallback;
    if (value === undefined) throw new Error(`compose needs ${name}`);
    return value as string;
  });
}

type Yaml = Record<string, unknown>;
const obj = (v: unknown): Yaml => v as Yaml;

let dockerfile: Stage[];
let compose: Yaml;
let k8s: Yaml[];

beforeAll(async () => {
  dockerfile = dockerStages(await readFile(deploy('Dockerfile'), 'utf8'));
  compose = obj(parse(await readFile(deploy('docker-compose.yml'), 'utf8')));
  k8s = [];
  for (const file of (await readdir(deploy('k8s'))).filter((f) => f.endsWith('.yaml'))) {
    for (const doc of parseAllDocuments(await readFile(deploy('k8s', file), 'utf8'))) {
      expect(doc.errors, file).toEqual([]);
      k8s.push(obj(doc.toJS()));
    }
  }
});

describe('deploy/Dockerfile', () => {
  it('is multi-stage, from pinned official images, with server and worker targets', () => {
    expect(dockerfile.length).toBeGreaterThanOrEqual(3);
    for (const stage of dockerfile) expect(stage.from).toMatch(PINNED_IMAGE);
    expect(dockerfile.map((s) => s.name)).toEqual(
      expect.arrayContaining(['build', 'server', 'worker']),
    );
  });

  it('runs the server as the unprivileged node user, on the default port', () => {
    const server = dockerfile.find((s) => s.name === 'server')!;
    const users = server.lines.filter((l) => /^USER\s/i.test(l));
    expect(users.at(-1)).toBe('USER node');
    expect(server.lines).toContain(`EXPOSE ${OPTIONS.port.default}`);
  });

  it('starts programs this repository builds', () => {
    for (const [target, main] of [
      ['server', 'apps/server/src/main.ts'],
      ['worker', 'apps/worker/src/main.ts'],
    ] as const) {
      const stage = dockerfile.find((s) => s.name === target)!;
      const cmd = stage.lines.find((l) => l.startsWith('CMD'))!;
      const script = (JSON.parse(cmd.slice(3)) as string[])[1]!;
      expect(script.replace('/dist/', '/src/').replace(/\.js$/, '.ts')).toBe(main);
      expect(existsSync(path.join(root, main))).toBe(true);
    }
  });

  it('gives the worker the toolchains CI installs for the sandbox', async () => {
    const ci = await readFile(path.join(root, '.ci/run'), 'utf8');
    const ciPackages = /packages=\(([^)]*)\)/.exec(ci)![1]!.split(/\s+/).filter(Boolean);
    const worker = dockerfile.find((s) => s.name === 'worker')!.lines.join(' ');
    for (const pkg of ciPackages.filter((p) => !['chromium', 'nginx'].includes(p))) {
      expect(worker, pkg).toMatch(new RegExp(`\\s${pkg.replace(/[+]/g, '\\+')}(\\s|$)`));
    }
  });
});

describe('deploy/docker-compose.yml', () => {
  const services = () => obj(compose.services);

  it('has PostgreSQL, Redis, three server nodes, two workers and nginx, on pinned images', () => {
    expect(Object.keys(services()).sort()).toEqual(
      ['nginx', 'node1', 'node2', 'node3', 'postgres', 'redis', 'worker1', 'worker2'].sort(),
    );
    for (const name of ['postgres', 'redis', 'nginx']) {
      expect(obj(services()[name]).image).toMatch(PINNED_IMAGE);
    }
    const targets = new Set(dockerfile.map((s) => s.name));
    for (const name of ['node1', 'node2', 'node3', 'worker1', 'worker2']) {
      const build = obj(obj(services()[name]).build);
      expect(build.dockerfile).toBe('deploy/Dockerfile');
      expect(targets.has(build.target as string)).toBe(true);
    }
  });

  it('configures every node and worker only with variables of the configuration table, which accept the values', () => {
    for (const name of ['node1', 'node2', 'node3', 'worker1', 'worker2']) {
      const env = obj(obj(services()[name]).environment) as Record<string, string>;
      for (const key of Object.keys(env)) expect(CONFIG_ENV, `${name}: ${key}`).toContain(key);
      const filled = Object.fromEntries(
        Object.entries(env).map(([k, v]) => [k, composeValue(v, { AUTH_SECRET: 'x'.repeat(64) })]),
      );
      expect(() => loadConfig(filled)).not.toThrow();
    }
    const node = obj(obj(services().node1).environment);
    expect(Object.keys(node)).toEqual(
      expect.arrayContaining(['DATABASE_URL', 'REDIS_URL', 'AUTH_SECRET']),
    );
  });

  it('runs Redis with AOF and without eviction, as the guarantees require', () => {
    const command = (obj(services().redis).command as string[]).join(' ');
    expect(command).toContain('--appendonly yes');
    expect(command).toContain('--maxmemory-policy noeviction');
  });

  it('mounts the nginx configuration that ships here, in front of every node', async () => {
    const nginx = obj(services().nginx);
    const [source] = (nginx.volumes as string[])[0]!.split(':');
    expect(path.resolve(deploy(), source!)).toBe(deploy('nginx', 'nginx.conf'));
    const conf = await readFile(deploy('nginx', 'nginx.conf'), 'utf8');
    const upstreams = [...conf.matchAll(/^\s*server\s+([\w.-]+):(\d+)/gm)];
    const nodes = ['node1', 'node2', 'node3'];
    expect(new Set(upstreams.map((m) => m[1]))).toEqual(new Set(nodes));
    for (const m of upstreams) expect(m[2]).toBe(OPTIONS.port.default);
  });
});

describe('deploy/nginx/nginx.conf', () => {
  it('passes nginx -t, upgrades WebSockets, keeps polling sessions on one node, balances direct WebSockets and never takes a socket node out of rotation', async () => {
    const { dir, remove } = await tempDir('tandem-nginx-');
    try {
      const conf = (await readFile(deploy('nginx', 'nginx.conf'), 'utf8'))
        // The compose host names do not resolve here; nginx resolves upstreams at load.
        .replace(/\bnode\d:/g, '127.0.0.1:')
        .replace(/listen 80;/, 'listen 127.0.0.1:18080;');
      await mkdir(path.join(dir, 'logs'));
      await writeFile(path.join(dir, 'nginx.conf'), `pid ${dir}/nginx.pid;\n${conf}`);
      const { stderr } = await run('nginx', ['-t', '-p', dir, '-c', path.join(dir, 'nginx.conf')]);
      expect(stderr).toContain('syntax is ok');
      expect(conf).toMatch(/location \/socket\.io\/[^}]*Upgrade \$http_upgrade/s);
      const upstream = (name: string) =>
        new RegExp(`upstream ${name} \\{([^}]*)\\}`).exec(conf)?.[1] ?? '';
      // Polling sessions (and their upgrades, which carry the sid) stick by address;
      // a WebSocket opened without a session is balanced.
      expect(conf).toMatch(
        /map "\$arg_transport:\$arg_sid" \$socket_upstream \{[^}]*default sticky_sockets;[^}]*"websocket:" balanced_sockets;/s,
      );
      expect(conf).toMatch(/location \/socket\.io\/[^}]*proxy_pass http:\/\/\$socket_upstream;/s);
      expect(upstream('sticky_sockets')).toMatch(/^\s*hash \$remote_addr consistent;/m);
      expect(upstream('balanced_sockets')).toMatch(/^\s*least_conn;/m);
      // A reconnect after a node dies must find a live node at once (see the config's comment).
      for (const name of ['sticky_sockets', 'balanced_sockets']) {
        const servers = upstream(name).match(/^\s*server [^;]*;/gm) ?? [];
        expect(servers, name).toHaveLength(3);
        for (const server of servers) expect(server).toMatch(/max_fails=0/);
      }
      expect(conf).toMatch(/location \/socket\.io\/[^}]*proxy_connect_timeout 2s;/s);
      expect(conf).toMatch(/location = \/metrics \{\s*return 404;/);
    } finally {
      await remove();
    }
  });
});

describe('deploy/k8s', () => {
  let server: RunningServer;
  let removeDir: () => Promise<void>;
  beforeAll(async () => {
    const tmp = await tempDir();
    removeDir = tmp.remove;
    server = await startServer({ dataDir: tmp.dir });
  });
  afterAll(async () => {
    await server?.stop();
    await removeDir?.();
  });

  const byKind = (kind: string) => k8s.filter((d) => d.kind === kind);
  const named = (kind: string, name: string) =>
    k8s.find((d) => d.kind === kind && obj(d.metadata).name === name)!;
  const podSpec = (deployment: Yaml) => obj(obj(obj(deployment.spec).template).spec);
  const podLabels = (deployment: Yaml) =>
    obj(obj(obj(deployment.spec).template).metadata).labels as Record<string, string>;

  it('has the Deployments, Service, HPA, PDB, ConfigMap, Secret and Ingress', () => {
    for (const kind of [
      'Deployment',
      'Service',
      'HorizontalPodAutoscaler',
      'PodDisruptionBudget',
      'ConfigMap',
      'Secret',
      'Ingress',
    ]) {
      expect(byKind(kind).length, kind).toBeGreaterThan(0);
    }
    expect(byKind('Deployment').map((d) => obj(d.metadata).name)).toEqual(
      expect.arrayContaining(['tandem-server', 'tandem-worker']),
    );
  });

  it('sets only variables of the configuration table, with values it accepts', () => {
    const env: Record<string, string> = {};
    for (const doc of [...byKind('ConfigMap'), ...byKind('Secret')]) {
      Object.assign(env, doc.data ?? {}, doc.stringData ?? {});
    }
    for (const key of Object.keys(env)) expect(CONFIG_ENV, key).toContain(key);
    expect(() => loadConfig(env)).not.toThrow();
  });

  it('gives server pods more time to stop than the shutdown deadline the nodes keep', () => {
    const env: Record<string, string> = {};
    for (const doc of byKind('ConfigMap')) Object.assign(env, doc.data ?? {});
    const deadlineMs = loadConfig(env).shutdownTimeoutMs;
    const grace = podSpec(named('Deployment', 'tandem-server')).terminationGracePeriodSeconds;
    expect(Number(grace) * 1000).toBeGreaterThan(deadlineMs);
  });

  it('probes routes the server answers, on the port it listens on', async () => {
    const config = obj(named('ConfigMap', 'tandem-config').data);
    const container = obj((podSpec(named('Deployment', 'tandem-server')).containers as Yaml[])[0]);
    const ports = container.ports as { name: string; containerPort: number }[];
    expect(ports.map((p) => String(p.containerPort))).toEqual([config.PORT]);
    for (const probe of ['readinessProbe', 'livenessProbe']) {
      const get = obj(obj(container[probe]).httpGet);
      expect(ports.map((p) => p.name)).toContain(get.port);
      const res = await server.app.http.inject({ method: 'GET', url: get.path as string });
      expect(res.statusCode, `${probe} ${String(get.path)}`).toBe(200);
    }
  });

  it('runs server pods as the image user, never root, and workers with the rights the sandbox needs', () => {
    const server = podSpec(named('Deployment', 'tandem-server'));
    expect(obj(server.securityContext)).toMatchObject({ runAsNonRoot: true, runAsUser: 1000 });
    const worker = obj((podSpec(named('Deployment', 'tandem-worker')).containers as Yaml[])[0]);
    expect(obj(worker.securityContext).privileged).toBe(true);
    for (const d of byKind('Deployment')) {
      for (const c of podSpec(d).containers as Yaml[]) expect(c.image).toMatch(OWN_IMAGE);
    }
  });

  it('points the Service, autoscaler, disruption budgets and Ingress at what exists', () => {
    const server = named('Deployment', 'tandem-server');
    const labels = podLabels(server);
    const service = named('Service', 'tandem-server');
    expect(labels).toMatchObject(obj(service.spec).selector as Yaml);
    const containerPorts = (obj((podSpec(server).containers as Yaml[])[0]).ports as Yaml[]).map(
      (p) => p.name,
    );
    for (const p of obj(service.spec).ports as Yaml[])
      expect(containerPorts).toContain(p.targetPort);

    const hpa = obj(named('HorizontalPodAutoscaler', 'tandem-server').spec);
    expect(obj(hpa.scaleTargetRef)).toMatchObject({ kind: 'Deployment', name: 'tandem-server' });
    expect(JSON.stringify(hpa.metrics)).toContain('"name":"cpu"');

    for (const pdb of byKind('PodDisruptionBudget')) {
      const selector = obj(obj(pdb.spec).selector).matchLabels as Yaml;
      const target = byKind('Deployment').find((d) =>
        Object.entries(selector).every(([k, v]) => podLabels(d)[k] === v),
      );
      expect(target, String(obj(pdb.metadata).name)).toBeDefined();
    }

    const backend = JSON.stringify(obj(byKind('Ingress')[0]).spec);
    expect(backend).toContain('"name":"tandem-server"');
  });
});
