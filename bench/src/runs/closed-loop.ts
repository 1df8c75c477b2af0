/** A closed loop shared by our server's clients and the bare-box ceiling. */

export interface LoopResult {
  /** Runs that finished inside the window, failed ones included. */
  completed: number;
  /** Runs that finished inside the window with the wrong verdict or output, or failed. */
  failed: number;
  firstError?: string;
  windowMs: number;
}

/**
 * Keeps `concurrency` runs in flight for `durationMs`. Runs still in flight at
 * the end are awaited (each is bounded by its own timeout) but not counted.
 */
export async function closedLoop(
  concurrency: number,
  durationMs: number,
  runOne: (n: number, worker: number) => Promise<void>,
): Promise<LoopResult> {
  const start = performance.now();
  const end = start + durationMs;
  let next = 0;
  let completed = 0;
  let failed = 0;
  let firstError: string | undefined;
  const worker = async (w: number) => {
    while (performance.now() < end) {
      const n = next++;
      let error: string | undefined;
      try {
        await runOne(n, w);
      } catch (err) {
        error = err instanceof Error ? err.message : String(err);
      }
      if (performance.now() > end) break;
      completed++;
      if (error !== undefined) {
        failed++;
        firstError ??= error;
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, (_, w) => worker(w)));
  return { completed, failed, ...(firstError ? { firstError } : {}), windowMs: durationMs };
}
