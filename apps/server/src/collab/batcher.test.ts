import { describe, expect, it } from 'vitest';
import { UpdateBatcher } from './batcher.js';
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
});
