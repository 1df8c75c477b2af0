import type { UpdateRecord } from '../store/store.js';

export interface BatcherOptions {
  /** Commits one batch in one transaction; resolves after the commit. */
  commit: (records: readonly UpdateRecord[]) => Promise<void>;
  /** How long to gather updates before a commit. */
  delayMs: number;
  /** Commit at once when this many updates are waiting. */
  maxUpdates: number;
  /**
   * Called after each successful commit with the number of records per room and,
   * for each record, how long it waited from `add` to the end of its commit.
   */
  onCommitted?: (countsByRoom: Map<string, number>, waitedMs: number[]) => void;
  onError?: (err: unknown, size: number) => void;
}

interface Entry {
  record: UpdateRecord;
  addedAt: number;
  resolve: () => void;
  reject: (err: unknown) => void;
}

/**
 * Gathers document updates for a few milliseconds and commits them together,
 * so durability costs one transaction per batch instead of one per keystroke.
 * At most one commit is in flight, which keeps the log in arrival order.
 * `add` resolves only once its update is committed: that is when the author
 * may be acknowledged.
 */
export class UpdateBatcher {
  private queued: Entry[] = [];
  private inFlight: Entry[] = [];
  private timer: ReturnType<typeof setTimeout> | undefined;
  private committing: Promise<void> | null = null;

  constructor(private readonly options: BatcherOptions) {}

  add(record: UpdateRecord): Promise<void> {
    return new Promise((resolve, reject) => {
      this.queued.push({ record, addedAt: performance.now(), resolve, reject });
      if (this.queued.length >= this.options.maxUpdates) this.kick(0);
      else this.kick(this.options.delayMs);
    });
  }

  /** Updates of a room that are not committed yet (queued or in flight), oldest first. */
  uncommitted(roomId: string): Uint8Array[] {
    return [...this.inFlight, ...this.queued]
      .filter((e) => e.record.roomId === roomId)
      .map((e) => e.record.update);
  }

  /** Resolves once everything added so far is committed (or has failed). */
  async flush(): Promise<void> {
    while (this.committing || this.queued.length > 0) {
      if (!this.committing) this.kick(0);
      await this.committing?.catch(() => undefined);
      if (!this.committing && this.queued.length > 0) this.startCommit();
    }
  }

  get size(): number {
    return this.queued.length + this.inFlight.length;
  }

  private kick(delayMs: number): void {
    if (this.committing) return; // The running commit starts the next one when it ends.
    if (delayMs === 0) {
      clearTimeout(this.timer);
      this.timer = undefined;
      this.startCommit();
      return;
    }
    this.timer ??= setTimeout(() => {
      this.timer = undefined;
      this.startCommit();
    }, delayMs);
  }

  private startCommit(): void {
    if (this.committing || this.queued.length === 0) return;
    this.inFlight = this.queued;
    this.queued = [];
    const batch = this.inFlight;
    this.committing = this.options
      .commit(batch.map((e) => e.record))
      .then(
        () => {
          const counts = new Map<string, number>();
          for (const e of batch)
            counts.set(e.record.roomId, (counts.get(e.record.roomId) ?? 0) + 1);
          for (const e of batch) e.resolve();
          const now = performance.now();
          this.options.onCommitted?.(
            counts,
            batch.map((e) => now - e.addedAt),
          );
        },
        (err: unknown) => {
          this.options.onError?.(err, batch.length);
          for (const e of batch) e.reject(err);
        },
      )
      .finally(() => {
        this.inFlight = [];
        this.committing = null;
        if (this.queued.length > 0)
          this.kick(this.queued.length >= this.options.maxUpdates ? 0 : this.options.delayMs);
      });
  }
}
