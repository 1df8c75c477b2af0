/** What every benchmark run shares: fresh data dirs, servers, load generators, and per-round bookkeeping. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { config } from '../config.js';
import { LoadGen } from '../loadgen/client.js';
import { startServer, type RunningServer } from '../servers/launch.js';
import type { SystemName } from '../systems.js';

/** One system's figures in one round, or why there are none. */
export type RoundFigures = Record<string, number> | { error: string };

export function isError(f: RoundFigures | undefined): f is { error: string } {
  return !!f && 'error' in f;
}

export function tempDir(prefix: string): { path: string; dispose(): void } {
  const path = mkdtempSync(join(tmpdir(), `tandem-bench-${prefix}-`));
  return { path, dispose: () => rmSync(path, { recursive: true, force: true }) };
}

export function start(system: SystemName, dataDir?: string): Promise<RunningServer> {
  return startServer(system, { timeoutMs: config.startTimeoutMs, ...(dataDir ? { dataDir } : {}) });
}

/** Runs `body` with a fresh load generator, always stopping it. */
export async function withLoadGen<T>(body: (gen: LoadGen) => Promise<T>): Promise<T> {
  const gen = await LoadGen.start();
  try {
    return await body(gen);
  } finally {
    await gen.stop();
  }
}

/**
 * Runs `once` for every system, round after round, in interleaved order
 * (ours, peer A, peer B, floor, ours, ...). A failure costs that system that
 * round, not the benchmark.
 */
export async function interleave<S extends string>(
  label: string,
  systems: readonly S[],
  once: (system: S, round: number) => Promise<Record<string, number>>,
): Promise<Map<S, RoundFigures[]>> {
  const results = new Map<S, RoundFigures[]>(systems.map((s) => [s, []]));
  for (let round = 0; round < config.rounds; round++) {
    for (const system of systems) {
      const t0 = performance.now();
      let figures: RoundFigures;
      try {
        figures = await once(system, round);
      } catch (err) {
        figures = { error: err instanceof Error ? err.message : String(err) };
      }
      results.get(system)!.push(figures);
      const took = ((performance.now() - t0) / 1000).toFixed(1);
      console.log(
        `[${label}] round ${round + 1}/${config.rounds} ${system} (${took}s): ${JSON.stringify(figures)}`,
      );
    }
  }
  return results;
}
