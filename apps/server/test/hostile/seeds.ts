/**
 * Seeded property runs for the hostile-input suites. Each suite runs a fixed
 * seed (the same inputs every time) and one random seed (new inputs every
 * run), and prints both. A failure prints the seed and fast-check's path, so
 * `FUZZ_SEED=<seed> FUZZ_PATH=<path> npx vitest run <file>` replays exactly
 * the failing input; failing seeds found so far are kept by name in each
 * suite and replayed before the fresh ones.
 */
import fc from 'fast-check';

export interface NamedSeed {
  /** What broke with this seed (the fix is named the same way). */
  name: string;
  seed: number;
  /** fast-check's path of the failing run: only that run is replayed. */
  path: string;
}

/** The seeds to run: the replay asked for in the environment, or the fixed one plus a fresh one. */
export function seeds(fixed: number): { label: string; seed: number; path?: string }[] {
  const replay = process.env['FUZZ_SEED'];
  if (replay !== undefined) {
    const path = process.env['FUZZ_PATH'];
    return [{ label: 'replay', seed: Number(replay), ...(path ? { path } : {}) }];
  }
  return [
    { label: 'fixed', seed: fixed },
    { label: 'random', seed: Math.floor(Math.random() * 2 ** 31) },
  ];
}

/**
 * Runs `property` like fc.assert, without shrinking (the server under test
 * is live; its state moved on), and fails with a short message carrying the
 * seed, the path and how to replay them.
 */
export async function check<T>(
  suite: string,
  run: { label: string; seed: number; path?: string },
  property: fc.IAsyncProperty<T>,
  numRuns: number,
): Promise<void> {
  process.stderr.write(`${suite}: ${run.label} seed ${run.seed}, ${numRuns} runs\n`);
  const details = await fc.check(property, {
    seed: run.seed,
    numRuns,
    endOnFailure: true,
    ...(run.path !== undefined && { path: run.path }),
  });
  if (!details.failed) return;
  const example = safeStringify(details.counterexample, (_k, v: unknown) =>
    v instanceof Uint8Array
      ? `<${v.byteLength} bytes>`
      : typeof v === 'string' && v.length > 200
        ? `<${v.length} characters: ${v.slice(0, 40)}...>`
        : v,
  );
  const reason =
    details.errorInstance instanceof Error
      ? details.errorInstance.message
      : String(details.errorInstance);
  const replay = `FUZZ_SEED=${details.seed} FUZZ_PATH=${details.counterexamplePath ?? ''}`;
  const message = [
    `${suite}: failed with seed ${details.seed}, path ${details.counterexamplePath} (${run.label}); replay with ${replay}`,
    `reason: ${reason.slice(0, 4_000)}`,
    `input: ${example.slice(0, 2_000)}`,
  ].join('\n');
  process.stderr.write(`${message}\n`);
  throw new Error(message);
}

/** JSON.stringify that survives inputs nested too deeply to print. */
function safeStringify(value: unknown, replacer: (k: string, v: unknown) => unknown): string {
  try {
    return JSON.stringify(value, replacer) ?? 'undefined';
  } catch (err) {
    return `(not printable: ${(err as Error).message})`;
  }
}
