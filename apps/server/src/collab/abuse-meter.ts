/**
 * Counts invalid messages from one connection in a sliding window. `hit`
 * returns true once the limit is passed: time to disconnect the sender.
 */
export class AbuseMeter {
  private hits: number[] = [];

  constructor(
    private readonly limit: number,
    private readonly windowMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  hit(): boolean {
    const t = this.now();
    this.hits = this.hits.filter((at) => t - at < this.windowMs);
    this.hits.push(t);
    return this.hits.length > this.limit;
  }
}
