/**
 * Connections per node (issue 5): 10,000 idle clients in rooms of 4 on one
 * node of ours (cluster shape: PostgreSQL, Redis) and on the y-websocket
 * reference server, interleaved rounds. Memory per connection is the server
 * process's RSS after the clients connected and a settle, minus its RSS once
 * the rooms exist and before any client connected, over the clients still
 * connected.
 */
import { config } from '../config.js';
import { LoadGen } from '../loadgen/client.js';
import { loadNote, watchLoad } from '../load.js';
import type { Entry } from '../report.js';
import { startOursCluster, type RunningCluster } from '../servers/cluster.js';
import { startServer, type RunningServer } from '../servers/launch.js';
import { startRedis } from '../servers/services.js';
import { quantile } from '../stats.js';
import { metric, ratio, summarize } from '../summary.js';
import type { SystemName } from '../systems.js';
import { interleave } from './common.js';

const SYSTEMS = ['ours', 'y-websocket'] as const satisfies readonly SystemName[];
type System = (typeof SYSTEMS)[number];

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * The V8 heap and the memory outside it (Buffers, zlib, ...) of our server, in
 * MiB, from its /metrics: where the RSS of a connection goes. Empty for peers.
 */
async function heap(server: RunningServer): Promise<Record<string, number>> {
  if (server.system !== 'ours') return {};
  // A node too busy to answer in time costs these two figures, not the round.
  const text = await fetch(`${server.url}/metrics`, { signal: AbortSignal.timeout(30_000) })
    .then((res) => res.text())
    .catch(() => '');
  const read = (name: string) => {
    const m = new RegExp(`^tandem_${name} (\\S+)$`, 'm').exec(text);
    return m ? Number(m[1]) / 2 ** 20 : NaN;
  };
  return {
    heap_used_mib: read('nodejs_heap_size_used_bytes'),
    external_mib: read('nodejs_external_memory_bytes'),
  };
}

/** Median of three RSS readings a second apart, in MiB. */
async function rss(server: RunningServer): Promise<number> {
  const readings: number[] = [];
  for (let i = 0; i < 3; i++) {
    if (i > 0) await sleep(1000);
    readings.push(server.sample()?.rssMiB ?? NaN);
  }
  return quantile(readings, 0.5);
}

async function connectionsOnce(
  system: System,
  redisUrl: string,
  round: number,
): Promise<Record<string, number>> {
  const c = config.connections;
  const rooms = Math.floor(c.count / c.clientsPerRoom);
  let cluster: RunningCluster | undefined;
  let server: RunningServer;
  if (system === 'ours') {
    cluster = await startOursCluster(1, redisUrl);
    server = cluster.nodes[0]!;
  } else server = await startServer(system, { timeoutMs: config.startTimeoutMs });
  const gens: LoadGen[] = [];
  try {
    gens.push(...(await Promise.all(Array.from({ length: c.loadgens }, () => LoadGen.start()))));
    const options = (g: number) => ({
      tag: `${round}-${g}`,
      rooms: Math.floor(rooms / gens.length) + (g < rooms % gens.length ? 1 : 0),
      clientsPerRoom: c.clientsPerRoom,
      concurrency: c.concurrency,
      timeoutMs: 120_000,
    });
    const args = (g: number) => ({ system, url: server.url, options: options(g) });
    await Promise.all(gens.map((gen, g) => gen.call('idlePrepare', args(g))));
    await sleep(Math.min(5000, c.settleMs));
    const rssBefore = await rss(server);
    const heapBefore = await heap(server);
    const cpuBefore = server.sample()?.cpuSeconds ?? NaN;

    const t0 = performance.now();
    // Slow on a busy 2-core machine: thousands of handshakes share it with the clients.
    const connected = await Promise.all(
      gens.map((gen, g) => gen.call('idleConnect', args(g), 1_800_000)),
    );
    const connectS = (performance.now() - t0) / 1000;
    const failed = connected.reduce((n, r) => n + r.failed, 0);
    const firstError = connected.find((r) => r.firstError)?.firstError;
    if (failed > 0) console.log(`[connections] ${system}: ${failed} failed, first: ${firstError}`);

    const cpu0 = server.sample()?.cpuSeconds ?? NaN;
    const connectCpuS = cpu0 - cpuBefore;
    const s0 = performance.now();
    await sleep(c.settleMs);
    const idleCpuPct =
      (((server.sample()?.cpuSeconds ?? NaN) - cpu0) / ((performance.now() - s0) / 1000)) * 100;
    const rssAfter = await rss(server);
    const heapAfter = await heap(server);
    const counts = await Promise.all(gens.map((gen) => gen.call('idleCount', {})));
    const open = counts.reduce((n, x) => n + x.open, 0);
    return {
      target: rooms * c.clientsPerRoom,
      synced: connected.reduce((n, r) => n + r.synced, 0),
      failed,
      open_after_settle: open,
      connect_s: connectS,
      connect_cpu_s: connectCpuS,
      rss_before_mib: rssBefore,
      rss_after_mib: rssAfter,
      kib_per_connection: ((rssAfter - rssBefore) * 1024) / open,
      idle_cpu_pct: idleCpuPct,
      server_peak_rss_mib: server.sample()?.peakRssMiB ?? NaN,
      ...Object.fromEntries(
        Object.entries(heapAfter).map(([k, after]) => [
          k.replace(/_mib$/, '_kib_per_connection'),
          ((after - (heapBefore[k] ?? NaN)) * 1024) / open,
        ]),
      ),
    };
  } finally {
    await Promise.all(gens.map((g) => g.call('idleRelease', {}, 60_000).catch(() => null)));
    await Promise.all(gens.map((g) => g.stop()));
    await (cluster ? cluster.stop() : server.stop());
  }
}

export async function connections(oursAvailable: boolean): Promise<Entry> {
  const c = config.connections;
  const systems = SYSTEMS.filter((s) => c.systems.includes(s) && (oursAvailable || s !== 'ours'));
  const load = watchLoad();
  const redis = await startRedis();
  let results;
  try {
    results = await interleave('connections', systems, (s, r) => connectionsOnce(s, redis.url, r));
  } finally {
    await redis.stop();
  }
  const reading = load.stop();

  const memory = ratio(
    config.rounds,
    (r) => metric(results, 'ours', r, 'kib_per_connection'),
    (r) => metric(results, 'y-websocket', r, 'kib_per_connection'),
  );
  const ours = summarize(results.get('ours'));
  const heldAll =
    'metrics' in ours && ours.metrics.open_after_settle!.median >= c.count && c.count >= 10_000;
  return {
    name: `connections-${c.count}`,
    unit: 'connected clients; KiB of server RSS per connection',
    ours,
    peers: { 'y-websocket': summarize(results.get('y-websocket')) },
    ratio: { 'KiB per connection ours / y-websocket': memory },
    goal: '≥ 10,000 idle clients (rooms of 4) connected to one node; memory per connection ≤ 0.9× y-websocket’s',
    pass: Number.isFinite(memory.median) ? heldAll && memory.median <= 0.9 : null,
    notes: [
      `${c.count} clients in rooms of ${c.clientsPerRoom}, from ${c.loadgens} load-generator processes, ${c.concurrency} connecting at once in each; each client is its system's own (our SDK's RoomConnection, y-websocket's WebsocketProvider) with a Y.Doc and awareness, and stays idle once synced (heartbeats, awareness renewals, and for ours the SDK's 30 s state-vector check, go on).`,
      `Memory: server RSS (VmRSS, median of 3 readings 1 s apart) after ${c.settleMs / 1000} s of idling with every client connected, minus the same reading taken once the rooms existed (ours: created over REST) and before any client connected; divided by the clients still connected then. The room's document on the server is part of what the connections cost (both systems load a room on its first join). connect_cpu_s: server CPU seconds spent while the clients connected; idle_cpu_pct: server CPU over the settle. Ours also reports its V8 heap and its memory outside the heap (heap_used_kib_per_connection, external_kib_per_connection, from /metrics) the same way.`,
      'Ours: one node of the cluster shape (DATABASE_URL on a fresh PostgreSQL database, REDIS_URL on a redis-server of the bench’s own). All traffic from 127.0.0.1 to one port; file descriptors: the soft limit the bench runs with (ulimit -n), inherited by every process.',
      loadNote(reading),
    ],
  };
}
