import * as Y from 'yjs';

/**
 * Local updates not yet acknowledged as durably saved. An update leaves the
 * queue only when the server acknowledges the message that carried it, so a
 * lost connection, a lost ack or a crashed server never loses an edit: what
 * is still here is sent again (merged) after the next sync.
 */
export class PendingUpdates {
  private readonly updates = new Map<number, Uint8Array>();
  private readonly inFlight = new Set<number>();
  private nextId = 1;

  get size(): number {
    return this.updates.size;
  }

  add(update: Uint8Array): number {
    const id = this.nextId++;
    this.updates.set(id, update);
    return id;
  }

  /**
   * Marks every update not already in flight as in flight and returns them
   * merged into one, or null when there is nothing to send.
   */
  takeUnsent(): { ids: number[]; update: Uint8Array } | null {
    const ids = [...this.updates.keys()].filter((id) => !this.inFlight.has(id));
    if (ids.length === 0) return null;
    for (const id of ids) this.inFlight.add(id);
    const parts = ids.map((id) => this.updates.get(id)!);
    return { ids, update: parts.length === 1 ? parts[0]! : Y.mergeUpdatesV2(parts) };
  }

  /** Marks every pending update as in flight and returns them all, merged (or null). */
  takeAll(): { ids: number[]; update: Uint8Array } | null {
    this.inFlight.clear();
    return this.takeUnsent();
  }

  acknowledge(ids: readonly number[]): void {
    for (const id of ids) {
      this.updates.delete(id);
      this.inFlight.delete(id);
    }
  }

  /** The send failed or timed out: these go out again with the next flush. */
  release(ids: readonly number[]): void {
    for (const id of ids) this.inFlight.delete(id);
  }

  /** After a disconnect nothing is in flight any more. */
  releaseAll(): void {
    this.inFlight.clear();
  }
}
