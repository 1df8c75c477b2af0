/**
 * REST throughput (issue 5): our `GET /api/rooms/:id` on one node of the
 * cluster shape (PostgreSQL, Redis) against a bare Fastify hello, with
 * autocannon, no pipelining, interleaved rounds (ours, hello, ours, ...).
 */
import autocannon from 'autocannon';
import { config } from '../config.js';
import { loadNote, watchLoad } from '../load.js';
import type { Entry } from '../report.js';
import { startOursCluster } from '../servers/cluster.js';
import { startPeer, type RunningServer } from '../servers/launch.js';
import { startRedis } from '../servers/services.js';
import { spread } from '../stats.js';
import { metric, ratio, summarize } from '../summary.js';
import { interleave } from './common.js';

const TARGETS = ['ours', 'fastify-hello'] as const;
type Target = (typeof TARGETS)[number];

async function createRoom(url: string): Promise<string> {
  const res = await fetch(`${url}/api/rooms`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ title: 'http bench', language: 'python' }),
  });
  if (res.status !== 201) throw new Error(`POST /api/rooms answered ${res.status}`);
  return ((await res.json()) as { id: string }).id;
}

/** One autocannon run; figures for the measured part only. */
async function cannon(server: RunningServer, url: string): Promise<Record<string, number>> {
  const h = config.http;
  const first = await fetch(url);
  if (first.status !== 200) throw new Error(`GET ${url} answered ${first.status}`);
  // Warm-up: JIT, connection pools, PostgreSQL's caches.
  await autocannon({ url, connections: h.connections, pipelining: 1, duration: h.warmupS });
  const before = server.sample();
  const result = await autocannon({
    url,
    connections: h.connections,
    pipelining: 1,
    duration: h.durationS,
  });
  const after = server.sample();
  if (result.non2xx > 0 || result.errors > 0)
    throw new Error(`${result.non2xx} non-2xx answers, ${result.errors} errors`);
  return {
    requests_per_s: result['2xx'] / result.duration,
    p50_ms: result.latency.p50,
    p99_ms: result.latency.p99,
    max_ms: result.latency.max,
    server_cpu_pct:
      before && after ? ((after.cpuSeconds - before.cpuSeconds) / result.duration) * 100 : NaN,
    server_rss_mib: after?.rssMiB ?? NaN,
  };
}

export async function http(oursAvailable: boolean): Promise<Entry> {
  const targets = TARGETS.filter(
    (t) => config.http.systems.includes(t) && (oursAvailable || t !== 'ours'),
  );
  const load = watchLoad();
  const redis = await startRedis();
  let results;
  try {
    results = await interleave('http', targets, async (target) => {
      if (target === 'fastify-hello') {
        const hello = await startPeer('fastify-hello', { timeoutMs: config.startTimeoutMs });
        try {
          return await cannon(hello, `${hello.url}/`);
        } finally {
          await hello.stop();
        }
      }
      const cluster = await startOursCluster(1, redis.url);
      try {
        const node = cluster.nodes[0]!;
        return await cannon(node, `${node.url}/api/rooms/${await createRoom(node.url)}`);
      } finally {
        await cluster.stop();
      }
    });
  } finally {
    await redis.stop();
  }
  const reading = load.stop();

  const m = (t: Target, r: number, key: string) => metric(results, t, r, key);
  const throughput = ratio(
    config.rounds,
    (r) => m('ours', r, 'requests_per_s'),
    (r) => m('fastify-hello', r, 'requests_per_s'),
  );
  const p99 = spread(Array.from({ length: config.rounds }, (_, r) => m('ours', r, 'p99_ms')));
  const ours = summarize(results.get('ours'));
  const measured = Number.isFinite(throughput.median) && Number.isFinite(p99.median);
  return {
    name: 'http-get-room',
    unit: 'requests/s and ms (autocannon, no pipelining)',
    ours,
    peers: { 'fastify-hello': summarize(results.get('fastify-hello')) },
    ratio: {
      'requests/s ours / bare Fastify hello': throughput,
      'p99 ms ours (absolute)': p99,
    },
    goal: 'GET /api/rooms/:id ≥ 0.6× the requests/s of a bare Fastify hello, p99 ≤ 5 ms, without pipelining',
    pass: measured ? throughput.median >= 0.6 && p99.median <= 5 : null,
    notes: [
      `autocannon@8.0.0 in the bench's own process: ${config.http.connections} connections, pipelining 1, ${config.http.warmupS} s warm-up then ${config.http.durationS} s measured; any non-2xx answer or connection error fails the round. requests_per_s counts 2xx answers over the measured time.`,
      'Ours: one node of the cluster shape (DATABASE_URL on a fresh PostgreSQL database on the same machine, REDIS_URL on a redis-server of the bench’s own, LOG_LEVEL=warn, NODE_ENV=production), reading one scratch room. The hello: Fastify 5, no plugins, no logger, GET / answering {"hello":"world"}.',
      'On 2 cores, autocannon, the server and (for ours) PostgreSQL share the machine: the ratio measures the whole request path on one box, not a server alone.',
      loadNote(reading),
    ],
  };
}
