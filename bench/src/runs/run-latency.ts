/**
 * Run latency: hello world in each language, one at a time and several at
 * once, from the Run request to the result at every member of the room,
 * against the floor of the bare bubblewrap command running the same program
 * (spawn to exit) in the same session, interleaved round by round.
 */
import { config } from '../config.js';
import type { Entry } from '../report.js';
import { quantile, spread } from '../stats.js';
import { metric, summarize } from '../summary.js';
import { BareBox } from './bare-box.js';
import { interleave, isError, type RoundFigures } from './common.js';
import { loadText, startExecServer } from './exec-server.js';
import { HELLO, type BenchProgram } from './programs.js';
import { RunRoom } from './run-room.js';

type Side = 'ours' | 'floor';
/** Unmeasured runs first: the first C++ compile and the first start of each toolchain are cold. */
const WARMUP_RUNS = 2;
const GOAL_P50_MS = 10;
const GOAL_P99_MS = 30;

interface Timed {
  latencies: number[];
  failed: number;
  firstError?: string;
}

const modes = (): [string, number][] => [
  ['seq', 1],
  [`c${config.exec.latencyConcurrency}`, config.exec.latencyConcurrency],
];

function programs(): BenchProgram[] {
  return config.exec.languages.map((l) => {
    const p = HELLO[l as keyof typeof HELLO];
    if (!p) throw new Error(`BENCH_RUN_LANGUAGES: unknown language ${l}; known: python, node, cpp`);
    return p;
  });
}

function figures(out: Record<string, number>, prefix: string, t: Timed): void {
  if (t.latencies.length === 0) throw new Error(`${prefix}: every run failed: ${t.firstError}`);
  if (t.firstError)
    console.log(`[run-latency] ${prefix}: ${t.failed} failed, first: ${t.firstError}`);
  out[`${prefix}_p50_ms`] = quantile(t.latencies, 0.5);
  out[`${prefix}_p99_ms`] = quantile(t.latencies, 0.99);
  out[`${prefix}_failed`] = t.failed;
}

async function floorTimed(
  box: BareBox,
  program: BenchProgram,
  count: number,
  concurrency: number,
): Promise<Timed> {
  const latencies: number[] = [];
  let failed = 0;
  let firstError: string | undefined;
  let next = 0;
  const worker = async (slot: number) => {
    while (next < count) {
      next++;
      try {
        latencies.push(await box.run(program, slot));
      } catch (err) {
        failed++;
        firstError ??= err instanceof Error ? err.message : String(err);
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, (_, slot) => worker(slot)));
  return { latencies, failed, ...(firstError ? { firstError } : {}) };
}

async function oursOnce(): Promise<Record<string, number>> {
  const { server, stop } = await startExecServer();
  let room: RunRoom | undefined;
  try {
    room = await RunRoom.open(server.url, config.exec.members);
    const out: Record<string, number> = {};
    for (const program of programs()) {
      await room.call('timed', { program, count: WARMUP_RUNS, concurrency: 1 });
      for (const [mode, concurrency] of modes()) {
        const t = await room.call('timed', {
          program,
          count: config.exec.latencyRuns,
          concurrency,
        });
        figures(out, `${program.label}_${mode}`, t);
      }
    }
    return out;
  } finally {
    await room?.stop();
    await stop();
  }
}

async function floorOnce(): Promise<Record<string, number>> {
  const box = await BareBox.create(config.exec.latencyConcurrency);
  try {
    const out: Record<string, number> = {};
    for (const program of programs()) {
      await floorTimed(box, program, WARMUP_RUNS, 1);
      for (const [mode, concurrency] of modes())
        figures(
          out,
          `${program.label}_${mode}`,
          await floorTimed(box, program, config.exec.latencyRuns, concurrency),
        );
    }
    return out;
  } finally {
    box.dispose();
  }
}

/** One language's figures with the prefix stripped. */
function only(label: string, rounds: RoundFigures[] | undefined): RoundFigures[] | undefined {
  return rounds?.map((f) =>
    isError(f)
      ? f
      : Object.fromEntries(
          Object.entries(f)
            .filter(([k]) => k.startsWith(`${label}_`))
            .map(([k, v]) => [k.slice(label.length + 1), v]),
        ),
  );
}

export async function runLatency(oursAvailable: boolean): Promise<Entry[]> {
  const loadBefore = loadText();
  const sides: Side[] = oursAvailable ? ['ours', 'floor'] : ['floor'];
  const results = await interleave('run-latency', sides, (side) =>
    side === 'ours' ? oursOnce() : floorOnce(),
  );
  const loadAfter = loadText();
  return programs().map((program) => {
    const overhead = (mode: string, q: string) =>
      spread(
        Array.from({ length: config.rounds }, (_, r) => {
          const key = `${program.label}_${mode}_${q}_ms`;
          return metric(results, 'ours', r, key) - metric(results, 'floor', r, key);
        }),
      );
    const ratio: Entry['ratio'] = {};
    for (const [mode, concurrency] of modes()) {
      const how = concurrency === 1 ? 'one at a time' : `${concurrency} at once`;
      ratio[`p50 overhead ms, ${how} (ours − floor)`] = overhead(mode, 'p50');
      ratio[`p99 overhead ms, ${how} (ours − floor)`] = overhead(mode, 'p99');
    }
    const spreads = Object.entries(ratio);
    const measured = spreads.every(([, s]) => Number.isFinite(s.median));
    const met = spreads.every(
      ([name, s]) => s.median <= (name.startsWith('p50') ? GOAL_P50_MS : GOAL_P99_MS),
    );
    return {
      name: `run-latency-${program.label}`,
      unit: 'ms (Run request to the finished result at every room member; floor: spawn to exit)',
      ours: summarize(only(program.label, results.get('ours'))),
      peers: { 'bare bwrap floor': summarize(only(program.label, results.get('floor'))) },
      ratio,
      goal: `p50 overhead over the bare bwrap floor ≤ ${GOAL_P50_MS} ms, p99 ≤ ${GOAL_P99_MS} ms`,
      pass: measured ? met : null,
      notes: [
        `${config.exec.latencyRuns} runs one at a time and ${config.exec.latencyRuns} at concurrency ${config.exec.latencyConcurrency} per round, after ${WARMUP_RUNS} unmeasured warm-up runs; room of ${config.exec.members} SDK clients in one load-generator process; a run counts when the last member has the finished result.`,
        `Our server: bubblewrap backend, RUN_CONCURRENCY ${config.exec.serverConcurrency || 'default (two per core)'}, run rate limits 100000/min, RUN_QUEUE_LIMIT 100000. With fewer run slots than the concurrency, queueing is part of our latency and not of the floor's.`,
        'Floor: the sandbox’s own prlimit + bwrap argv (buildBoxCommand) minus the cgroup handshake fds, spawned from the bench process, same source and same compile + run steps; no server, queue, worker, cgroup or per-job tmpfs.',
        `Load average (1/5/15 min) before ${loadBefore}, after ${loadAfter}.`,
      ],
    };
  });
}
