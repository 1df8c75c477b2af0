/** The document-log part of the store contract: appendUpdates, loadDoc, snapshots, paging, reading many rooms, bytes. */
import { randomBytes } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Store } from './store.js';
import { bytes, roomId, T0, update, type ContractContext } from './store.contract-fixtures.js';

export function docLogContract(ctx: ContractContext): void {
  let store: Store;
  const newRoom = ctx.newRoom;
  beforeAll(() => {
    store = ctx.store();
  });

  describe('document log', () => {
    it('appends a batch of several rooms in array order with increasing seq', async () => {
      const a = await newRoom();
      const b = await newRoom();
      await store.appendUpdates([update(a, 1), update(b, 2, 'bob'), update(a, 3), update(b, 4)]);
      const fromA = await store.readUpdates(a, 0, 100);
      const fromB = await store.readUpdates(b, 0, 100);
      expect(fromA.map((u) => u.update)).toEqual([update(a, 1).update, update(a, 3).update]);
      expect(fromB).toMatchObject([
        { roomId: b, author: 'bob', at: update(b, 2).at },
        { roomId: b, author: 'alice', at: update(b, 4).at },
      ]);
      const seqs = [fromA[0]!.seq, fromB[0]!.seq, fromA[1]!.seq, fromB[1]!.seq];
      expect(seqs).toEqual([...seqs].sort((x, y) => x - y));
      expect(new Set(seqs).size).toBe(4);
      expect(seqs.every(Number.isSafeInteger)).toBe(true);
    });

    it('accepts an empty batch', async () => {
      await expect(store.appendUpdates([])).resolves.toBeUndefined();
    });

    it('stores nothing of a batch that names an unknown room', async () => {
      const a = await newRoom();
      await store.appendUpdates([update(a, 1)]);
      const missing = roomId();
      await expect(
        store.appendUpdates([update(a, 2), update(missing, 3), update(a, 4)]),
      ).rejects.toThrow(missing);
      expect((await store.readUpdates(a, 0, 100)).map((u) => u.update)).toEqual([
        update(a, 1).update,
      ]);
    });

    it('stores a 12,000-record batch whole, or nothing of it when its last record is bad', async () => {
      const a = await newRoom();
      const many = Array.from({ length: 12_000 }, (_, n) => update(a, n));
      const bad = { ...update(a, 0), at: new Date(Number.NaN) };
      await expect(store.appendUpdates([...many.slice(1), bad])).rejects.toThrow();
      expect(await store.readUpdates(a, 0, 1)).toEqual([]);
      await store.appendUpdates(many);
      const doc = await store.loadDoc(a);
      expect(doc.updates).toHaveLength(12_000);
      expect(doc.updates.at(-1)).toEqual(many.at(-1)!.update);
    });

    it('keeps concurrent batches whole: a failing one never takes others with it', async () => {
      const a = await newRoom();
      const missing = roomId();
      const results = await Promise.allSettled(
        Array.from({ length: 20 }, (_, i) =>
          store.appendUpdates(
            i % 5 === 4
              ? [update(a, 1000 + i), update(missing, i)]
              : [update(a, 2 * i), update(a, 2 * i + 1)],
          ),
        ),
      );
      expect(results.filter((r) => r.status === 'rejected')).toHaveLength(4);
      const stored = await store.readUpdates(a, 0, 1000);
      expect(stored).toHaveLength(32);
      // Nothing of the failed batches (their updates are at T0 + 1000 and later).
      expect(stored.every((u) => u.at.getTime() - T0.getTime() < 1000)).toBe(true);
      // The two updates of each batch are adjacent: batches never interleave.
      for (let i = 0; i < stored.length; i += 2) {
        expect(stored[i + 1]!.at.getTime()).toBe(stored[i]!.at.getTime() + 1);
      }
    });

    it('loads an empty document', async () => {
      const a = await newRoom();
      expect(await store.loadDoc(a)).toEqual({
        snapshot: null,
        snapshotSeq: 0,
        updates: [],
        lastSeq: 0,
      });
    });

    it('loads every update when there is no snapshot', async () => {
      const a = await newRoom();
      await store.appendUpdates([update(a, 1), update(a, 2), update(a, 3)]);
      const log = await store.readUpdates(a, 0, 10);
      const doc = await store.loadDoc(a);
      expect(doc.snapshot).toBeNull();
      expect(doc.snapshotSeq).toBe(0);
      expect(doc.updates).toEqual(log.map((u) => u.update));
      expect(doc.lastSeq).toBe(log[2]!.seq);
    });

    it('loads the snapshot and only the updates after it', async () => {
      const a = await newRoom();
      await store.appendUpdates([update(a, 1), update(a, 2), update(a, 3), update(a, 4)]);
      const log = await store.readUpdates(a, 0, 10);
      await store.writeSnapshot(a, log[1]!.seq, bytes(9, 9));
      expect(await store.loadDoc(a)).toEqual({
        snapshot: bytes(9, 9),
        snapshotSeq: log[1]!.seq,
        updates: [log[2]!.update, log[3]!.update],
        lastSeq: log[3]!.seq,
      });
      await store.writeSnapshot(a, log[3]!.seq, bytes(8));
      expect(await store.loadDoc(a)).toEqual({
        snapshot: bytes(8),
        snapshotSeq: log[3]!.seq,
        updates: [],
        lastSeq: log[3]!.seq,
      });
    });

    it('keeps the newest snapshot: an older or equal seq never replaces it', async () => {
      const a = await newRoom();
      await store.appendUpdates([1, 2, 3, 4, 5].map((n) => update(a, n)));
      const seq = (await store.readUpdates(a, 0, 10)).map((u) => u.seq);
      await store.writeSnapshot(a, seq[2]!, bytes(3));
      await store.writeSnapshot(a, seq[1]!, bytes(2));
      await store.writeSnapshot(a, seq[2]!, bytes(33));
      expect(await store.loadDoc(a)).toMatchObject({ snapshot: bytes(3), snapshotSeq: seq[2] });
      await store.writeSnapshot(a, seq[4]!, bytes(5));
      expect(await store.loadDoc(a)).toMatchObject({ snapshot: bytes(5), snapshotSeq: seq[4] });
    });

    it('refuses a snapshot beyond the log', async () => {
      const a = await newRoom();
      await store.appendUpdates([update(a, 1)]);
      const [only] = await store.readUpdates(a, 0, 10);
      await expect(store.writeSnapshot(a, only!.seq + 1, bytes(1))).rejects.toThrow(RangeError);
      expect((await store.loadDoc(a)).snapshot).toBeNull();
    });

    it('pages through the log', async () => {
      const a = await newRoom();
      await store.appendUpdates(Array.from({ length: 25 }, (_, n) => update(a, n)));
      const pages: number[] = [];
      let after = 0;
      for (;;) {
        const page = await store.readUpdates(a, after, 10);
        pages.push(page.length);
        if (page.length === 0) break;
        after = page.at(-1)!.seq;
      }
      expect(pages).toEqual([10, 10, 5, 0]);
      const all = await store.readUpdates(a, 0, 100);
      expect(all.map((u) => u.at.getTime() - T0.getTime())).toEqual([...Array(25).keys()]);
      expect(await store.readUpdates(a, all[9]!.seq, 3)).toEqual(all.slice(10, 13));
    });
  });

  describe('reading many rooms at once', () => {
    it('reads each room from its own cursor, at most the limit per room, as readUpdates would', async () => {
      const a = await newRoom();
      const b = await newRoom();
      const quiet = await newRoom();
      await store.appendUpdates([update(a, 1), update(b, 2), update(a, 3), update(a, 4)]);
      await store.appendUpdates([update(b, 5), update(a, 6)]);
      const logA = await store.readUpdates(a, 0, 10);
      const logB = await store.readUpdates(b, 0, 10);
      const found = await store.readUpdatesOfRooms(
        new Map([
          [a, logA[0]!.seq],
          [b, 0],
          [quiet, 0],
          [roomId(), 0],
        ]),
        2,
      );
      expect([...found.keys()].sort()).toEqual([a, b].sort());
      expect(found.get(a)).toEqual(await store.readUpdates(a, logA[0]!.seq, 2));
      expect(found.get(a)!.map((u) => u.seq)).toEqual([logA[1]!.seq, logA[2]!.seq]);
      expect(found.get(b)).toEqual(logB);
      for (const u of found.get(a)!) expect(u.update).toBeInstanceOf(Uint8Array);
    });

    it('answers nothing for rooms read up to their end, and for no rooms at all', async () => {
      const a = await newRoom();
      await store.appendUpdates([update(a, 1)]);
      const [only] = await store.readUpdates(a, 0, 10);
      expect(await store.readUpdatesOfRooms(new Map([[a, only!.seq]]), 10)).toEqual(new Map());
      expect(await store.readUpdatesOfRooms(new Map(), 10)).toEqual(new Map());
    });

    it('reads 5,000 rooms in one call', async () => {
      const edited = [await newRoom(), await newRoom(), await newRoom()];
      await store.appendUpdates(edited.map((id, n) => update(id, n)));
      // Unknown rooms cost a cursor like loaded ones and read as empty: no need to create 5,000.
      const rooms = [...Array.from({ length: 4_997 }, () => roomId()), ...edited];
      const found = await store.readUpdatesOfRooms(new Map(rooms.map((id) => [id, 0])), 5);
      expect([...found.keys()].sort()).toEqual([...edited].sort());
      expect(edited.map((id) => found.get(id)!.map((u) => u.author))).toEqual([
        ['alice'],
        ['alice'],
        ['alice'],
      ]);
    });
  });

  describe('binary payloads', () => {
    it('round-trips every byte value, NUL included, and an empty update', async () => {
      const a = await newRoom();
      const every = Uint8Array.from({ length: 512 }, (_, i) => (i * 7) % 256);
      const nuls = bytes(0, 0, 0);
      await store.appendUpdates([
        { ...update(a, 1), update: every },
        { ...update(a, 2), update: nuls },
        { ...update(a, 3), update: new Uint8Array(0) },
        // A view into a larger buffer: only the viewed bytes are stored.
        { ...update(a, 4), update: new Uint8Array(every.buffer, 3, 5) },
      ]);
      const stored = await store.readUpdates(a, 0, 10);
      for (const u of stored) expect(u.update).toBeInstanceOf(Uint8Array);
      expect(stored.map((u) => Array.from(u.update))).toEqual([
        Array.from(every),
        [0, 0, 0],
        [],
        [3 * 7, 4 * 7, 5 * 7, 6 * 7, 7 * 7],
      ]);
    });

    it('round-trips 1 MiB updates and snapshots byte for byte', async () => {
      const a = await newRoom();
      const big = new Uint8Array(randomBytes(1024 * 1024));
      big[0] = 0;
      big[big.length - 1] = 0;
      await store.appendUpdates([{ ...update(a, 1), update: big }]);
      const [stored] = await store.readUpdates(a, 0, 1);
      expect(Buffer.compare(stored!.update, big)).toBe(0);
      await store.writeSnapshot(a, stored!.seq, big);
      const doc = await store.loadDoc(a);
      expect(doc.snapshot).toBeInstanceOf(Uint8Array);
      expect(Buffer.compare(doc.snapshot!, big)).toBe(0);
    });
  });
}
