/**
 * Cross-node fan-out (issue 5): the fan-out workload at 400 connections on
 * one node and on two nodes joined through Redis, for our server and for
 * `@hocuspocus/server` with `@hocuspocus/extension-redis`, interleaved
 * (ours-1, ours-2, hocuspocus-1, hocuspocus-2, ours-1, ...). On two nodes
 * every room has clients on both (see workloads/fanout.ts): the goal is about
 * the readers on the other node than the writer.
 */
import { config } from '../config.js';
import { loadNote, watchLoad } from '../load.js';
import type { Entry } from '../report.js';
import { startHocuspocusCluster, startOursCluster } from '../servers/cluster.js';
import { startRedis } from '../servers/services.js';
import { quantile, spread } from '../stats.js';
import { metric, ratio, summarize } from '../summary.js';
import { interleave } from './common.js';
import { driveFanout } from './fanout.js';

const VARIANTS = ['ours-1', 'ours-2', 'hocuspocus-1', 'hocuspocus-2'] as const;
type Variant = (typeof VARIANTS)[number];

const isVariant = (v: string): v is Variant => (VARIANTS as readonly string[]).includes(v);

export async function crossNode(oursAvailable: boolean): Promise<Entry> {
  const unknown = config.crossNode.systems.filter((s) => !isVariant(s));
  if (unknown.length)
    throw new Error(`BENCH_CROSS_SYSTEMS: unknown ${unknown.join(', ')}; known: ${VARIANTS}`);
  const variants = VARIANTS.filter(
    (v) => config.crossNode.systems.includes(v) && (oursAvailable || !v.startsWith('ours')),
  );
  const connections = config.crossNode.connections;
  const load = watchLoad();
  const redis = await startRedis();
  let results;
  try {
    results = await interleave('cross-node', variants, async (variant, round) => {
      const nodes = Number(variant.split('-')[1]);
      const system = variant.startsWith('ours') ? 'ours' : 'hocuspocus';
      const cluster =
        system === 'ours'
          ? await startOursCluster(nodes, redis.url)
          : await startHocuspocusCluster(nodes, redis.url);
      try {
        const { figures, results } = await driveFanout(
          system,
          cluster.nodes,
          connections,
          `${variant}-${round}`,
        );
        const cross = results.flatMap((r) => r.crossNodeLatencies);
        const same = results.flatMap((r) => r.sameNodeLatencies);
        return {
          ...figures,
          same_node_p99_ms: quantile(same, 0.99),
          cross_node_p50_ms: quantile(cross, 0.5),
          cross_node_p99_ms: quantile(cross, 0.99),
        };
      } finally {
        await cluster.stop();
      }
    });
  } finally {
    await redis.stop();
  }
  const reading = load.stop();

  const m = (v: Variant, r: number, key: string) => metric(results, v, r, key);
  const rounds = Array.from({ length: config.rounds }, (_, r) => r);
  const oursOverSingle = spread(
    rounds.map((r) => m('ours-2', r, 'cross_node_p99_ms') - m('ours-1', r, 'p99_ms')),
  );
  const oursVsPeer = ratio(
    config.rounds,
    (r) => m('ours-2', r, 'cross_node_p99_ms'),
    (r) => m('hocuspocus-2', r, 'cross_node_p99_ms'),
  );
  const peerOverSingle = spread(
    rounds.map((r) => m('hocuspocus-2', r, 'cross_node_p99_ms') - m('hocuspocus-1', r, 'p99_ms')),
  );
  const ours = summarize(results.get('ours-2'));
  const lossFree = 'metrics' in ours && ours.metrics.lost!.max === 0 && ours.errors.length === 0;
  const measured = Number.isFinite(oursOverSingle.median) && Number.isFinite(oursVsPeer.median);
  return {
    name: `cross-node-${connections}`,
    unit: 'ms (edit seen by a reader on the other node than the writer)',
    ours,
    peers: Object.fromEntries(
      variants.filter((v) => v !== 'ours-2').map((v) => [v, summarize(results.get(v))]),
    ),
    ratio: {
      'cross-node p99 ours-2 − single-node p99 ours-1 (ms)': oursOverSingle,
      'cross-node p99 ours-2 / hocuspocus-2': oursVsPeer,
      'cross-node p99 hocuspocus-2 − single-node p99 hocuspocus-1 (ms)': peerOverSingle,
    },
    goal: 'cross-node p99 ≤ single-node p99 + 3 ms, ≤ 0.8× Hocuspocus on two nodes with its Redis extension, zero loss',
    pass: measured ? oursOverSingle.median <= 3 && oursVsPeer.median <= 0.8 && lossFree : null,
    notes: [
      `"ours" is two of our nodes (each: DATABASE_URL on one fresh PostgreSQL database, REDIS_URL, shared AUTH_SECRET; no nginx, the load generator picks each client's node); ours-1 is one such node alone. hocuspocus-N: @hocuspocus/server@3.4.4 with @hocuspocus/extension-redis@3.4.4, no persistence. Both use one redis-server of the bench's own (no AOF, nothing on disk), with a key prefix per start.`,
      `${connections} connections = ${connections / config.fanout.clientsPerRoom} rooms x ${config.fanout.clientsPerRoom}; one writer per room at ${config.fanout.editsPerSecond} edits/s plus a cursor move per edit; ${config.fanout.measureMs / 1000} s measured after ${config.fanout.warmupMs / 1000} s warm-up. On two nodes, client c of room i is on node (i + c) mod 2: writers alternate between the nodes and 2 of the 3 readers of each room are on the other node. cross_node_* counts those readers, same_node_p99_ms the third; p99_ms counts all.`,
      'server_cpu_pct is the total of the nodes (200% = both cores); server_peak_rss_mib the larger node.',
      loadNote(reading),
    ],
  };
}
