/** Turns per-round figures into the reported medians, spreads and per-round ratios. */
import { isError, type RoundFigures } from './runs/common.js';
import { spread, type Spread } from './stats.js';

export type Summary =
  { unavailable: string } | { metrics: Record<string, Spread>; errors: string[] };

export function summarize(rounds: RoundFigures[] | undefined): Summary {
  if (!rounds || rounds.length === 0) return { unavailable: 'not run' };
  const ok = rounds.filter((r) => !isError(r)) as Record<string, number>[];
  const errors = rounds.filter(isError).map((r) => r.error);
  if (ok.length === 0) return { unavailable: errors[0] ?? 'no data' };
  const keys = Object.keys(ok[0]!);
  const metrics: Record<string, Spread> = {};
  for (const key of keys)
    metrics[key] = spread(rounds.map((r) => (isError(r) ? NaN : (r[key] ?? NaN))));
  return { metrics, errors };
}

/** A metric of one system in one round, NaN when that round failed. */
export function metric(
  results: Map<string, RoundFigures[]>,
  system: string,
  round: number,
  key: string,
): number {
  const r = results.get(system)?.[round];
  return !r || isError(r) ? NaN : (r[key] ?? NaN);
}

/** Per-round ratio ours / denominator, reported as median with min and max. */
export function ratio(
  rounds: number,
  numerator: (round: number) => number,
  denominator: (round: number) => number,
): Spread {
  return spread(Array.from({ length: rounds }, (_, r) => numerator(r) / denominator(r)));
}

/** The smallest finite value, NaN if none: "the better peer" in a round. */
export function best(values: number[]): number {
  const finite = values.filter((v) => Number.isFinite(v));
  return finite.length ? Math.min(...finite) : NaN;
}
