import { describe, expect, it } from 'vitest';
import { BatcherFullError, UpdateBatcher } from './batcher.js';
import type { UpdateRecord } from '../store/store.js';

function record(roomId: string, n: number): UpdateRecord {
  return { roomId, author: 'a', update: new Uint8Array([n]), at: new Date() };
}

/** A commit function the test resolves by hand, to observe what is in flight. */
function manualCommit() {
  const calls: {
    records: readonly UpdateRecord[];
    resolve: () => void;
    reject: (e: unknown) => void;
  }[] = [];
  const commit = (records: readonly UpdateRecord[]) =>
    new Promise<void>((resolve, reject) => calls.push({ records, resolve, reject }));
  return { calls, commit };
}

const settle = () => new Promise((r) => setImmediate(r));

describe('UpdateBatcher', () => {
  it('commits updates gathered together in one call, in arrival order, and acknowledges after the commit', async () => {
    const { calls, commit } = manualCommit();
    const b = new UpdateBatcher({ commit, delayMs: 1, maxUpdates: 100 });
    const acked: number[] = [];
    const ps = [1, 2, 3].map((n) => b.add(record('r', n)).then(() => acked.push(n)));
    while (calls.length === 0) await settle();
    expect(calls[0]!.records.map((r) => r.update[0])).toEqual([1, 2, 3]);
    await settle();
    expect(acked).toEqual([]);
    calls[0]!.resolve();
    await Promise.all(ps);
    expect(acked).toEqual([1, 2, 3]);
  });

  it('keeps one commit in flight; what arrives meanwhile goes in the next', async () => {
    const { calls, commit } = manualCommit();
    const b = new UpdateBatcher({ commit, delayMs: 0, maxUpdates: 1 });
    const first = b.add(record('r', 1));
    const second = b.add(record('r', 2));
    const third = b.add(record('r', 3));
    await settle();
    expect(calls).toHaveLength(1);
    expect(b.uncommitted('r').map((u) => u[0])).toEqual([1, 2, 3]);
    calls[0]!.resolve();
    await first;
    while (calls.length < 2) await settle();
    expect(calls[1]!.records.map((r) => r.update[0])).toEqual([2, 3]);
    calls[1]!.resolve();
    await Promise.all([second, third]);
    expect(b.size).toBe(0);
  });

  it('a failed commit rejects every update of its batch, and later ones still commit', async () => {
    const { calls, commit } = manualCommit();
    const errors: number[] = [];
    const b = new UpdateBatcher({
      commit,
      delayMs: 1,
      maxUpdates: 10,
      onError: (_e, size) => errors.push(size),
    });
    const failing = [b.add(record('r', 1)), b.add(record('s', 2))];
    while (calls.length === 0) await settle();
    calls[0]!.reject(new Error('database down'));
    for (const p of failing) await expect(p).rejects.toThrow('database down');
    expect(errors).toEqual([2]);
    const later = b.add(record('r', 3));
    while (calls.length < 2) await settle();
    calls[1]!.resolve();
    await expect(later).resolves.toBeUndefined();
  });

  it('reports committed counts per room, and flush waits for everything', async () => {
    const counts: Map<string, number>[] = [];
    const b = new UpdateBatcher({
      commit: async () => {},
      delayMs: 50,
      maxUpdates: 1000,
      onCommitted: (c) => counts.push(c),
    });
    void b.add(record('r', 1));
    void b.add(record('r', 2));
    void b.add(record('s', 3));
    await b.flush();
    expect(b.size).toBe(0);
    expect(counts).toEqual([
      new Map([
        ['r', 2],
        ['s', 1],
      ]),
    ]);
  });

  it('a commit that fails transiently is kept and tried again, ahead of later updates, and acknowledged only once it commits', async () => {
    const { calls, commit } = manualCommit();
    const delayed: boolean[] = [];
    const retries: boolean[] = [];
    const b = new UpdateBatcher({
      commit,
      delayMs: 1,
      maxUpdates: 10,
      isTransient: (e) => (e as Error).message === 'connection refused',
      retryDelayMs: () => 1,
      onError: (_e, _size, retrying) => retries.push(retrying),
      onDelayedChange: (d) => delayed.push(d),
    });
    const settledOf = (p: Promise<void>) => {
      const state = { done: false, failed: false };
      p.then(
        () => (state.done = true),
        () => (state.failed = true),
      );
      return state;
    };
    const first = [b.add(record('r', 1)), b.add(record('r', 2))];
    const states = first.map(settledOf);
    while (calls.length === 0) await settle();
    calls[0]!.reject(new Error('connection refused'));
    while (!b.delayed) await settle();
    const later = b.add(record('r', 3));
    expect(b.uncommitted('r').map((u) => u[0])).toEqual([1, 2, 3]);
    while (calls.length < 2) await settle();
    calls[1]!.reject(new Error('connection refused'));
    while (calls.length < 3) await settle();
    expect(states).toEqual([
      { done: false, failed: false },
      { done: false, failed: false },
    ]);
    expect(calls[2]!.records.map((r) => r.update[0])).toEqual([1, 2, 3]);
    calls[2]!.resolve();
    await Promise.all([...first, later]);
    expect(retries).toEqual([true, true]);
    expect(delayed).toEqual([true, false]);
    expect(b.delayed).toBe(false);
    expect(b.size).toBe(0);
  });

  it('a failure that is not transient still rejects its batch', async () => {
    const { calls, commit } = manualCommit();
    const b = new UpdateBatcher({
      commit,
      delayMs: 1,
      maxUpdates: 10,
      isTransient: () => false,
      retryDelayMs: () => 1,
    });
    const p = b.add(record('r', 1));
    while (calls.length === 0) await settle();
    calls[0]!.reject(new Error('value too long'));
    await expect(p).rejects.toThrow('value too long');
    expect(b.delayed).toBe(false);
  });

  it('past maxPending an update is refused at once (its author keeps it), and flush waits through the retries', async () => {
    const { calls, commit } = manualCommit();
    const b = new UpdateBatcher({
      commit,
      delayMs: 1,
      maxUpdates: 10,
      maxPending: 2,
      isTransient: () => true,
      retryDelayMs: () => 1,
    });
    const kept = [b.add(record('r', 1)), b.add(record('r', 2))];
    await expect(b.add(record('r', 3))).rejects.toBeInstanceOf(BatcherFullError);
    while (calls.length === 0) await settle();
    calls[0]!.reject(new Error('down'));
    let flushed = false;
    const flushing = b.flush().then(() => (flushed = true));
    while (calls.length < 2) await settle();
    expect(flushed).toBe(false);
    calls[1]!.resolve();
    await flushing;
    await Promise.all(kept);
    expect(b.size).toBe(0);
  });
});
