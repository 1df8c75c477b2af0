/**
 * Benchmark settings, read once from the environment. `BENCH_QUICK=1` shrinks
 * every duration and count so a smoke run finishes in about a minute; any
 * single value can still be overridden by its own variable.
 */
const quick = process.env.BENCH_QUICK === '1';

function num(name: string, full: number, smoke: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return quick ? smoke : full;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < 0)
    throw new Error(`${name}: expected a non-negative number, got "${raw}"`);
  return value;
}

function list(name: string, full: string): string[] {
  const raw = process.env[name] ?? '';
  return (raw === '' ? full : raw)
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

export const config = Object.freeze({
  quick,
  rounds: num('BENCH_ROUNDS', 3, 1),
  /** Which benchmarks to run: fanout, join, replay, run-latency, saturation, cross-node, connections, http. */
  only: list('BENCH_ONLY', 'fanout,join,replay,run-latency,saturation,cross-node,connections,http'),
  /** Which systems to run: ours, y-websocket, hocuspocus, raw-ws. */
  systems: list('BENCH_SYSTEMS', 'ours,y-websocket,hocuspocus,raw-ws'),
  fanout: {
    connections: list('BENCH_FANOUT_CONNS', quick ? '40' : '400,1000').map(Number),
    clientsPerRoom: 4,
    editsPerSecond: num('BENCH_FANOUT_RATE', 10, 10),
    warmupMs: num('BENCH_FANOUT_WARMUP_MS', 2000, 500),
    measureMs: num('BENCH_FANOUT_MEASURE_MS', 10_000, 1500),
    drainMs: num('BENCH_FANOUT_DRAIN_MS', 3000, 1000),
    connectConcurrency: num('BENCH_CONNECT_CONCURRENCY', 50, 20),
    loadgens: num('BENCH_LOADGENS', 1, 1),
  },
  join: {
    warmJoins: num('BENCH_JOIN_WARM', 100, 5),
    coldJoins: num('BENCH_JOIN_COLD', 5, 1),
  },
  replay: {
    /** Use only the first N edits of the trace (0 = all 259,778). */
    edits: num('BENCH_REPLAY_EDITS', 0, 10_000),
    timeoutMs: num('BENCH_REPLAY_TIMEOUT_MS', 240_000, 60_000),
  },
  /** Code execution: our server vs the sandbox's bare bubblewrap command. */
  exec: {
    /** RUN_CONCURRENCY for our server; 0 keeps its default (two per core). */
    serverConcurrency: num('BENCH_RUN_CONCURRENCY', 0, 0),
    members: num('BENCH_RUN_MEMBERS', 3, 3),
    languages: list('BENCH_RUN_LANGUAGES', 'python,node,cpp'),
    latencyRuns: num('BENCH_RUN_LATENCY_RUNS', 100, 10),
    latencyConcurrency: num('BENCH_RUN_LATENCY_CONCURRENCY', 4, 4),
    saturationMs: num('BENCH_SATURATION_MS', 60_000, 10_000),
    saturationConcurrency: num('BENCH_SATURATION_CONCURRENCY', 4, 4),
    mixes: list('BENCH_SATURATION_MIXES', 'python,cpp,mix'),
    /** Rooms of 4 typing editors measured while the runs go on. */
    fanoutRooms: num('BENCH_SATURATION_FANOUT_ROOMS', 3, 2),
  },
  /** Scale-out: the fan-out workload (settings above) on one node and on two nodes through Redis. */
  crossNode: {
    connections: num('BENCH_CROSS_CONNS', 400, 40),
    /** ours-1, ours-2, hocuspocus-1, hocuspocus-2: system and node count. */
    systems: list('BENCH_CROSS_SYSTEMS', 'ours-1,ours-2,hocuspocus-1,hocuspocus-2'),
  },
  /** Idle connections on one node, and the memory each costs. */
  connections: {
    count: num('BENCH_CONN_COUNT', 10_000, 400),
    clientsPerRoom: 4,
    loadgens: num('BENCH_CONN_LOADGENS', 4, 2),
    /** Connections being opened at once, per load generator. */
    concurrency: num('BENCH_CONN_CONCURRENCY', 100, 40),
    /** Idle time before the first and the final memory reading. */
    settleMs: num('BENCH_CONN_SETTLE_MS', 20_000, 3000),
    systems: list('BENCH_CONN_SYSTEMS', 'ours,y-websocket'),
  },
  /** REST throughput: GET /api/rooms/:id against a bare Fastify hello (autocannon). */
  http: {
    connections: num('BENCH_HTTP_CONNECTIONS', 10, 10),
    warmupS: num('BENCH_HTTP_WARMUP_S', 3, 1),
    durationS: num('BENCH_HTTP_DURATION_S', 10, 3),
    systems: list('BENCH_HTTP_SYSTEMS', 'ours,fastify-hello'),
  },
  /** Extra Node.js flags for our server, comma-separated (e.g. `--cpu-prof,--cpu-prof-dir=/tmp/p`). */
  oursNodeArgs: list('BENCH_OURS_NODE_ARGS', ''),
  /** Our server's entry point, when not this checkout's apps/server/dist/main.js (A/B runs of two builds). */
  oursMain: process.env.BENCH_OURS_MAIN ?? '',
  startTimeoutMs: num('BENCH_START_TIMEOUT_MS', 30_000, 30_000),
});

export type BenchConfig = typeof config;
