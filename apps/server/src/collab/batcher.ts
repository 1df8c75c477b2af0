import type { UpdateRecord } from '../store/store.js';

export interface BatcherOptions {
  /** Commits one batch in one transaction; resolves after the commit. */
  commit: (records: readonly UpdateRecord[]) => Promise<void>;
  /** How long to gather updates before a commit. */
  delayMs: number;
  /** Commit at once when this many updates are waiting. */
  maxUpdates: number;
  /**
   * Whether a failed commit may succeed later (the database is restarting or
   * out of reach). Such a batch is kept, in order, and committed again after
   * `retryDelayMs`; its updates are neither acknowledged nor rejected
   * meanwhile. Any other failure rejects the batch's updates. Default: none is.
   */
  isTransient?: (err: unknown) => boolean;
  /** The wait before retry number `attempt` (1, 2, ...) of a transiently failed commit. */
  retryDelayMs?: (attempt: number) => number;
  /**
   * At most this many updates wait (queued, in flight or retrying); `add`
   * beyond it rejects at once with BatcherFullError, so an outage cannot grow
   * a node's memory without bound. The author keeps such an update and sends
   * it again. Default: no bound.
   */
  maxPending?: number;
  /**
   * Called after each successful commit with the number of records per room and,
   * for each record, how long it waited from `add` to the end of its commit.
   */
  onCommitted?: (countsByRoom: Map<string, number>, waitedMs: number[]) => void;
  /** Every failed commit, with the batch's size and whether it will be retried. */
  onError?: (err: unknown, size: number, retrying: boolean) => void;
  /** Saving started waiting for the store (a commit failed transiently), or works again. */
  onDelayedChange?: (delayed: boolean) => void;
}

/** `add` refused an update because too many are waiting already (see `maxPending`). */
export class BatcherFullError extends Error {
  constructor(limit: number) {
    super(`${limit} updates are already waiting to be saved`);
    this.name = 'BatcherFullError';
  }
}

interface Entry {
  record: UpdateRecord;
  addedAt: number;
  resolve: () => void;
  reject: (err: unknown) => void;
  /** Resolves when the entry is committed or rejected. */
  settled: Promise<void>;
}

const ignore = () => {};

/**
 * Gathers document updates for a few milliseconds and commits them together,
 * so durability costs one transaction per batch instead of one per keystroke.
 * At most one commit is in flight, which keeps the log in arrival order.
 * `add` resolves only once its update is committed: that is when the author
 * may be acknowledged. A commit that fails transiently is tried again with
 * backoff, its updates ahead of everything added since, until it commits: an
 * update is never dropped, and never acknowledged before its commit. A commit
 * cut off mid-way may have committed after all; trying it again stores some
 * updates twice, which Yjs ignores.
 */
export class UpdateBatcher {
  private queued: Entry[] = [];
  private inFlight: Entry[] = [];
  private timer: ReturnType<typeof setTimeout> | undefined;
  private committing: Promise<void> | null = null;
  /** Failed attempts of the batch at the head of the queue; 0 when saving works. */
  private failures = 0;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(private readonly options: BatcherOptions) {}

  add(record: UpdateRecord): Promise<void> {
    const { maxPending } = this.options;
    if (maxPending !== undefined && this.size >= maxPending) {
      return Promise.reject(new BatcherFullError(maxPending));
    }
    let resolve!: () => void;
    let reject!: (err: unknown) => void;
    const committed = new Promise<void>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    const settled = committed.then(ignore, ignore);
    this.queued.push({ record, addedAt: performance.now(), resolve, reject, settled });
    if (this.queued.length >= this.options.maxUpdates) this.kick(0);
    else this.kick(this.options.delayMs);
    return committed;
  }

  /** Updates of a room that are not committed yet (queued, in flight or retrying), oldest first. */
  uncommitted(roomId: string): Uint8Array[] {
    return [...this.inFlight, ...this.queued]
      .filter((e) => e.record.roomId === roomId)
      .map((e) => e.record.update);
  }

  /** Whether saving waits for the store: the last commit failed and will be tried again. */
  get delayed(): boolean {
    return this.failures > 0;
  }

  /**
   * Resolves once everything added so far is committed (or has failed for
   * good). While the store is out of reach that is when it is back.
   */
  async flush(): Promise<void> {
    const waiting = [...this.inFlight, ...this.queued].map((e) => e.settled);
    if (!this.committing && !this.retryTimer) this.kick(0);
    await Promise.all(waiting);
  }

  get size(): number {
    return this.queued.length + this.inFlight.length;
  }

  private kick(delayMs: number): void {
    // The running commit, or the retry timer, starts the next one.
    if (this.committing || this.retryTimer) return;
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

  private nextRetryMs(): number {
    return this.options.retryDelayMs?.(this.failures) ?? 1_000;
  }

  private startCommit(): void {
    if (this.committing || this.queued.length === 0) return;
    this.inFlight = this.queued;
    this.queued = [];
    const batch = this.inFlight;
    let retry = false;
    this.committing = this.options
      .commit(batch.map((e) => e.record))
      .then(
        () => {
          if (this.failures > 0) {
            this.failures = 0;
            this.options.onDelayedChange?.(false);
          }
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
          retry = this.options.isTransient?.(err) ?? false;
          this.options.onError?.(err, batch.length, retry);
          if (retry) {
            // Back to the head of the queue, ahead of what arrived meanwhile.
            this.inFlight = [];
            this.queued = [...batch, ...this.queued];
            this.failures++;
            if (this.failures === 1) this.options.onDelayedChange?.(true);
            return;
          }
          for (const e of batch) e.reject(err);
        },
      )
      .finally(() => {
        this.inFlight = [];
        this.committing = null;
        if (retry) {
          this.retryTimer = setTimeout(() => {
            this.retryTimer = undefined;
            this.startCommit();
          }, this.nextRetryMs());
        } else if (this.queued.length > 0) {
          this.kick(this.queued.length >= this.options.maxUpdates ? 0 : this.options.delayMs);
        }
      });
  }
}
