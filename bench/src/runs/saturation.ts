/**
 * Saturation: a closed loop of runs for a fixed time, through our server and
 * through the bare bubblewrap command at the same concurrency (the naive
 * spawn-per-request ceiling: no server, no queue). While our server runs
 * them, a few rooms of editors type as in the fan-out benchmark, and their
 * p99 is compared with the same rooms on the same server before any run.
 */
import { config } from '../config.js';
import { LoadGen } from '../loadgen/client.js';
import type { Entry } from '../report.js';
import { quantile } from '../stats.js';
import { metric, ratio, summarize } from '../summary.js';
import { BareBox } from './bare-box.js';
import { closedLoop, type LoopResult } from './closed-loop.js';
import { interleave, isError, type RoundFigures } from './common.js';
import { loadText, startExecServer } from './exec-server.js';
import { isMix, nthProgram, type MixName } from './programs.js';
import { RunRoom } from './run-room.js';

type Side = 'ours' | 'ceiling';
const GOAL_THROUGHPUT = 0.85;
const GOAL_FANOUT = 1.3;

function mixes(): MixName[] {
  return config.exec.mixes.map((m) => {
    if (!isMix(m))
      throw new Error(`BENCH_SATURATION_MIXES: unknown mix ${m}; known: python, cpp, mix`);
    return m;
  });
}

const perMinute = (r: LoopResult) => ((r.completed - r.failed) / r.windowMs) * 60_000;

function loopFigures(out: Record<string, number>, mix: MixName, r: LoopResult, side: Side): void {
  if (r.firstError)
    console.log(`[saturation] ${side} ${mix}: ${r.failed} failed, first: ${r.firstError}`);
  out[`${mix}_runs_per_min`] = perMinute(r);
  out[`${mix}_failed`] = r.failed;
}

/** Connects the typing rooms; `fanoutRun` then types for one saturation window. */
async function connectTyping(gen: LoadGen, url: string, tag: string): Promise<void> {
  const window = config.exec.saturationMs;
  const warmupMs = Math.min(2000, window * 0.1);
  await gen.call('fanoutConnect', {
    system: 'ours',
    url,
    options: {
      tag,
      rooms: config.exec.fanoutRooms,
      clientsPerRoom: config.fanout.clientsPerRoom,
      editsPerSecond: config.fanout.editsPerSecond,
      warmupMs,
      measureMs: Math.max(1000, window - warmupMs - 1000),
      drainMs: 1000,
      connectConcurrency: config.fanout.connectConcurrency,
      connectTimeoutMs: 30_000,
    },
  });
}

async function oursOnce(round: number): Promise<Record<string, number>> {
  const { server, stop } = await startExecServer();
  let gen: LoadGen | undefined;
  let room: RunRoom | undefined;
  try {
    gen = await LoadGen.start();
    room = await RunRoom.open(server.url, config.exec.members);
    const out: Record<string, number> = {};
    await connectTyping(gen, server.url, `sat-${round}-idle`);
    const idle = await gen.call('fanoutRun', {});
    out.fanout_idle_p99_ms = quantile(idle.editLatencies, 0.99);
    for (const mix of mixes()) {
      await connectTyping(gen, server.url, `sat-${round}-${mix}`);
      // Typing and runs start together; the typing window ends inside the loop's.
      const [loaded, loop] = await Promise.all([
        gen.call('fanoutRun', {}),
        room.call('loop', {
          mix,
          concurrency: config.exec.saturationConcurrency,
          durationMs: config.exec.saturationMs,
        }),
      ]);
      loopFigures(out, mix, loop, 'ours');
      out[`${mix}_fanout_p99_ms`] = quantile(loaded.editLatencies, 0.99);
      out[`${mix}_fanout_lost`] = loaded.lost;
    }
    return out;
  } finally {
    await room?.stop();
    await gen?.stop();
    await stop();
  }
}

async function ceilingOnce(): Promise<Record<string, number>> {
  const box = await BareBox.create(config.exec.saturationConcurrency);
  try {
    const out: Record<string, number> = {};
    for (const mix of mixes()) {
      const r = await closedLoop(
        config.exec.saturationConcurrency,
        config.exec.saturationMs,
        async (n, slot) => {
          await box.run(nthProgram(mix, n), slot);
        },
      );
      loopFigures(out, mix, r, 'ceiling');
    }
    return out;
  } finally {
    box.dispose();
  }
}

function only(mix: MixName, rounds: RoundFigures[] | undefined): RoundFigures[] | undefined {
  return rounds?.map((f) =>
    isError(f)
      ? f
      : Object.fromEntries(
          Object.entries(f)
            .filter(([k]) => k.startsWith(`${mix}_`) || k === 'fanout_idle_p99_ms')
            .map(([k, v]) => [k.startsWith(`${mix}_`) ? k.slice(mix.length + 1) : k, v]),
        ),
  );
}

export async function saturation(oursAvailable: boolean): Promise<Entry[]> {
  const loadBefore = loadText();
  const sides: Side[] = oursAvailable ? ['ours', 'ceiling'] : ['ceiling'];
  const results = await interleave('saturation', sides, (side, round) =>
    side === 'ours' ? oursOnce(round) : ceilingOnce(),
  );
  const loadAfter = loadText();
  const seconds = config.exec.saturationMs / 1000;
  return mixes().map((mix) => {
    const throughput = ratio(
      config.rounds,
      (r) => metric(results, 'ours', r, `${mix}_runs_per_min`),
      (r) => metric(results, 'ceiling', r, `${mix}_runs_per_min`),
    );
    const fanout = ratio(
      config.rounds,
      (r) => metric(results, 'ours', r, `${mix}_fanout_p99_ms`),
      (r) => metric(results, 'ours', r, 'fanout_idle_p99_ms'),
    );
    const measured = Number.isFinite(throughput.median) && Number.isFinite(fanout.median);
    const what =
      mix === 'python'
        ? 'Python hellos'
        : mix === 'cpp'
          ? 'C++ hellos (compile and run)'
          : 'Python and C++ hellos, alternating, with every 10th run a Python busy loop that hits the 5 s CPU limit';
    return {
      name: `saturation-${mix}`,
      unit: 'runs per minute; editor fan-out p99 in ms',
      ours: summarize(only(mix, results.get('ours'))),
      peers: { 'bare bwrap ceiling': summarize(only(mix, results.get('ceiling'))) },
      ratio: {
        'runs/min ours / bare bwrap ceiling': throughput,
        'fan-out p99 under runs / without runs': fanout,
      },
      goal: `runs per minute ≥ ${GOAL_THROUGHPUT}× the spawn-per-request ceiling; editor fan-out p99 under execution load ≤ ${GOAL_FANOUT}× without`,
      pass: measured ? throughput.median >= GOAL_THROUGHPUT && fanout.median <= GOAL_FANOUT : null,
      notes: [
        `${seconds} s closed loop of ${what}, ${config.exec.saturationConcurrency} runs in flight; runs still in flight at the end are not counted, failed runs are not counted.`,
        `Our server: bubblewrap backend, RUN_CONCURRENCY ${config.exec.serverConcurrency || 'default (two per core)'}, rate limits off, requests from one room of ${config.exec.members} SDK clients. Ceiling: the sandbox’s own prlimit + bwrap argv spawned straight from the bench at the same concurrency (RLIMIT_CPU set to the sandbox’s 5 s CPU limit).`,
        `Fan-out: ${config.exec.fanoutRooms} rooms of ${config.fanout.clientsPerRoom} SDK clients typing at ${config.fanout.editsPerSecond} edits/s (the fan-out workload), p99 of edits seen by the other 3 clients, first without runs then during this loop, on the same server.`,
        `Load average (1/5/15 min) before ${loadBefore}, after ${loadAfter}.`,
      ],
    };
  });
}
