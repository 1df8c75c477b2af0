/**
 * Counts failures per key (an account, an IP) in fixed windows. Past the
 * limit, `check` says how many seconds to wait; every window ends, so nobody is
 * locked out for good. Counters live in this node's memory: with N nodes an
 * attacker gets at most N times the limit (docs/SECURITY.md).
 */
export class FailureLimiter {
  readonly #windows = new Map<string, { start: number; failures: number }>();

  constructor(
    private readonly limit: number,
    private readonly windowMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** 0 when the key may try, else the seconds until it may. */
  check(key: string): number {
    const w = this.#current(key);
    if (w === undefined || w.failures < this.limit) return 0;
    return Math.max(1, Math.ceil((w.start + this.windowMs - this.now()) / 1000));
  }

  fail(key: string): void {
    let w = this.#current(key);
    if (w === undefined) {
      w = { start: this.now(), failures: 0 };
      this.#windows.set(key, w);
      if (this.#windows.size > 50_000) this.#prune();
    }
    w.failures++;
  }

  /** Forgets the key's failures (after a success). */
  reset(key: string): void {
    this.#windows.delete(key);
  }

  #current(key: string) {
    const w = this.#windows.get(key);
    if (w !== undefined && this.now() - w.start >= this.windowMs) {
      this.#windows.delete(key);
      return undefined;
    }
    return w;
  }

  #prune(): void {
    const t = this.now();
    for (const [key, w] of this.#windows)
      if (t - w.start >= this.windowMs) this.#windows.delete(key);
  }
}
