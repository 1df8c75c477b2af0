/**
 * Fixed-window counters: the seam under every limit (sign-in failures, wrong
 * codes, runs a minute). In memory on one node; in Redis with REDIS_URL, so a
 * limit holds across every node instead of N times over.
 */
export interface WindowCount {
  /** Hits so far in the key's current window. */
  count: number;
  /** Milliseconds until that window ends (0 when there is none). */
  resetInMs: number;
}

export interface WindowCounters {
  /** Counts one hit on `key`; a key's window starts at its first hit and lasts `windowMs`. */
  hit(key: string, windowMs: number): Promise<WindowCount>;
  /** The key's current window, without counting. */
  peek(key: string): Promise<WindowCount>;
  /** Forgets the key (after a success). */
  reset(key: string): Promise<void>;
  close(): Promise<void>;
}

const NONE: WindowCount = { count: 0, resetInMs: 0 };

/** This node's memory: the embedded shape, and the fallback while Redis is away. */
export class MemoryCounters implements WindowCounters {
  readonly #windows = new Map<string, { end: number; count: number }>();

  constructor(
    private readonly now: () => number = Date.now,
    private readonly maxKeys = 50_000,
  ) {}

  async hit(key: string, windowMs: number): Promise<WindowCount> {
    const t = this.now();
    let w = this.#live(key, t);
    if (w === undefined) {
      w = { end: t + windowMs, count: 0 };
      this.#windows.set(key, w);
      if (this.#windows.size > this.maxKeys) this.#prune(t);
    }
    w.count++;
    return { count: w.count, resetInMs: w.end - t };
  }

  async peek(key: string): Promise<WindowCount> {
    const t = this.now();
    const w = this.#live(key, t);
    return w === undefined ? NONE : { count: w.count, resetInMs: w.end - t };
  }

  async reset(key: string): Promise<void> {
    this.#windows.delete(key);
  }

  async close(): Promise<void> {
    this.#windows.clear();
  }

  #live(key: string, t: number) {
    const w = this.#windows.get(key);
    if (w !== undefined && t >= w.end) {
      this.#windows.delete(key);
      return undefined;
    }
    return w;
  }

  #prune(t: number): void {
    for (const [key, w] of this.#windows) if (t >= w.end) this.#windows.delete(key);
  }
}
