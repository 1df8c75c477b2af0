/** Fan-out latency at one connection count, every system, interleaved rounds. */
import { config } from '../config.js';
import { LoadGen } from '../loadgen/client.js';
import type { Entry } from '../report.js';
import type { RunningServer } from '../servers/launch.js';
import type { FanoutResult } from '../workloads/fanout.js';
import { quantile } from '../stats.js';
import { best, metric, ratio, summarize } from '../summary.js';
import { YJS_PEERS, type SystemName } from '../systems.js';
import { interleave, isError, start, tempDir } from './common.js';

/**
 * Runs the fan-out workload once against servers already started: one for a
 * single server, one per node for a cluster (clients spread as the workload
 * describes). CPU is the servers' total; peak RSS the largest node's.
 */
export async function driveFanout(
  system: SystemName,
  servers: RunningServer[],
  connections: number,
  tag: string,
): Promise<{ figures: Record<string, number>; results: FanoutResult[] }> {
  const c = config.fanout;
  const rooms = Math.floor(connections / c.clientsPerRoom);
  const gens = await Promise.all(
    Array.from({ length: Math.max(1, c.loadgens) }, () => LoadGen.start()),
  );
  try {
    const share = (g: number) =>
      Math.floor(rooms / gens.length) + (g < rooms % gens.length ? 1 : 0);
    const t0 = performance.now();
    await Promise.all(
      gens.map((gen, g) =>
        gen.call('fanoutConnect', {
          system,
          url: servers[0]!.url,
          urls: servers.map((s) => s.url),
          options: {
            tag: `${tag}-${g}`,
            rooms: share(g),
            clientsPerRoom: c.clientsPerRoom,
            editsPerSecond: c.editsPerSecond,
            warmupMs: c.warmupMs,
            measureMs: c.measureMs,
            drainMs: c.drainMs,
            connectConcurrency: c.connectConcurrency,
            connectTimeoutMs: 30_000,
          },
        }),
      ),
    );
    const connectMs = performance.now() - t0;
    const cpu = () => servers.reduce((n, s) => n + (s.sample()?.cpuSeconds ?? NaN), 0);
    const before = cpu();
    const t1 = performance.now();
    const results = await Promise.all(gens.map((gen) => gen.call('fanoutRun', {})));
    const after = cpu();
    const peakRss = Math.max(...servers.map((s) => s.sample()?.peakRssMiB ?? NaN));
    const wallS = (performance.now() - t1) / 1000;
    const edits = results.flatMap((r) => r.editLatencies);
    const cursors = results.flatMap((r) => r.cursorLatencies);
    const expected = results.reduce((n, r) => n + r.expected, 0);
    const lost = results.reduce((n, r) => n + r.lost, 0);
    const figures = {
      p50_ms: quantile(edits, 0.5),
      p99_ms: quantile(edits, 0.99),
      max_ms: quantile(edits, 1),
      cursor_p99_ms: quantile(cursors, 0.99),
      deliveries: expected,
      // Below the configured rate when the load generator falls behind.
      edits_per_s_sent: expected / (c.clientsPerRoom - 1) / (c.measureMs / 1000) / rooms,
      lost,
      server_cpu_pct: ((after - before) / wallS) * 100,
      server_peak_rss_mib: peakRss,
      loadgen_loop_p99_ms: Math.max(...results.map((r) => r.loadgenLoopDelayP99Ms)),
      connect_s: connectMs / 1000,
    };
    return { figures, results };
  } finally {
    await Promise.all(gens.map((g) => g.stop()));
  }
}

async function fanoutOnce(
  system: SystemName,
  connections: number,
  round: number,
): Promise<Record<string, number>> {
  const data = tempDir('fanout');
  const server = await start(system, data.path);
  try {
    return (await driveFanout(system, [server], connections, String(round))).figures;
  } finally {
    await server.stop();
    data.dispose();
  }
}

export async function fanout(connections: number, systems: readonly SystemName[]): Promise<Entry> {
  const results = await interleave(`fanout ${connections}`, systems, (s, r) =>
    fanoutOnce(s, connections, r),
  );
  const p99 = (s: SystemName, r: number) => metric(results, s, r, 'p99_ms');
  const vsYjs = ratio(
    config.rounds,
    (r) => p99('ours', r),
    (r) => best(YJS_PEERS.map((p) => p99(p, r))),
  );
  const vsFloor = ratio(
    config.rounds,
    (r) => p99('ours', r),
    (r) => p99('raw-ws', r),
  );
  const ours = summarize(results.get('ours'));
  const runs = [...results.values()].flat().filter((f) => !isError(f)) as Record<string, number>[];
  const behind = runs.filter(
    (f) => f.edits_per_s_sent! < 0.95 * config.fanout.editsPerSecond,
  ).length;
  const lossFree = 'metrics' in ours && ours.metrics.lost!.max === 0 && ours.errors.length === 0;
  const measured =
    'metrics' in ours && Number.isFinite(vsYjs.median) && Number.isFinite(vsFloor.median);
  return {
    name: `fanout-${connections}`,
    unit: 'ms (edit seen by the 3 other clients of the room)',
    ours,
    peers: Object.fromEntries(
      systems.filter((s) => s !== 'ours').map((s) => [s, summarize(results.get(s))]),
    ),
    ratio: { 'p99 ours / better Yjs peer': vsYjs, 'p99 ours / raw-ws floor': vsFloor },
    goal: 'p99 ≤ 0.8× the better Yjs peer, ≤ 2.5× the raw ws floor, zero loss',
    pass: measured ? vsYjs.median <= 0.8 && vsFloor.median <= 2.5 && lossFree : null,
    notes: [
      `${connections} connections = ${connections / config.fanout.clientsPerRoom} rooms x ${config.fanout.clientsPerRoom}; one writer per room at ${config.fanout.editsPerSecond} edits/s plus a cursor move per edit; ${config.fanout.measureMs / 1000} s measured after ${config.fanout.warmupMs / 1000} s warm-up.`,
      'loadgen_loop_p99_ms is the load generator’s own event-loop delay: when it is large, client-side work is part of every latency.',
      ...(behind > 0
        ? [
            `The load generator fell behind in ${behind} of ${runs.length} runs (sent < 95% of ${config.fanout.editsPerSecond} edits/s): those latencies include client-side queuing and the machine's other load, not only the server.`,
          ]
        : []),
    ],
  };
}
