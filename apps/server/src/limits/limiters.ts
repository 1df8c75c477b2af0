import type { WindowCounters } from './window-counters.js';

function seconds(ms: number): number {
  return Math.max(1, Math.ceil(ms / 1000));
}

/**
 * Counts failures per key (an account, an IP) in fixed windows. Past the
 * limit, `check` says how many seconds to wait; every window ends, so nobody is
 * locked out for good.
 */
export class FailureLimiter {
  constructor(
    private readonly counters: WindowCounters,
    /** Keeps this limiter's keys apart from the others'. */
    private readonly name: string,
    private readonly limit: number,
    private readonly windowMs: number,
  ) {}

  /** 0 when the key may try, else the seconds until it may. */
  async check(key: string): Promise<number> {
    const w = await this.counters.peek(`${this.name}:${key}`);
    return w.count < this.limit ? 0 : seconds(w.resetInMs);
  }

  async fail(key: string): Promise<void> {
    await this.counters.hit(`${this.name}:${key}`, this.windowMs);
  }

  async reset(key: string): Promise<void> {
    await this.counters.reset(`${this.name}:${key}`);
  }
}

/** Uses per key (a person, a room) in fixed windows: `take` counts one more or says how long to wait. */
export class RateLimiter {
  constructor(
    private readonly counters: WindowCounters,
    private readonly name: string,
    private readonly limit: number,
    private readonly windowMs: number,
  ) {}

  /** 0 when allowed (and counted), else the seconds until the key may try again. */
  async take(key: string): Promise<number> {
    const w = await this.counters.hit(`${this.name}:${key}`, this.windowMs);
    return w.count <= this.limit ? 0 : seconds(w.resetInMs);
  }
}
