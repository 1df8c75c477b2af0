/**
 * The contract every `Store` passes, run against each real backend.
 *
 * @example
 * storeContract('PGlite', async () => {
 *   const dir = await fs.mkdtemp(...);
 *   return { store: await open(dir), reopen: () => open(dir), cleanup: ... };
 * });
 *
 * Tests share one store per suite and stay independent by using fresh room ids.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sentLogContract } from '@tandem/jobs/contract';
import type { Store, TimelineEntry } from './store.js';
import { bytes, roomId, T0, update } from './store.contract-fixtures.js';
import { docLogContract } from './store.contract-log.js';
import { runsContract } from './store.contract-runs.js';
import { accountsContract } from './store.contract-accounts.js';
import { interviewsContract } from './store.contract-interviews.js';

export interface StoreHarness {
  store: Store;
  /** Opens another store on the same storage (call after `store.close()`). */
  reopen: () => Promise<Store>;
  /** Closes whatever is still open and deletes the storage. */
  cleanup: () => Promise<void>;
}

export function storeContract(name: string, makeStore: () => Promise<StoreHarness>): void {
  describe(`Store contract: ${name}`, () => {
    let harness: StoreHarness;
    let store: Store;
    beforeAll(async () => {
      harness = await makeStore();
      store = harness.store;
    });
    afterAll(async () => {
      await harness?.cleanup();
    });

    async function newRoom(id = roomId()): Promise<string> {
      await store.createRoom({ id, title: 'Two sum', language: 'python' }, 'alice');
      return id;
    }

    describe('rooms', () => {
      it('creates a room, reads it back, and records room.created in the same write', async () => {
        const id = roomId();
        const created = await store.createRoom(
          { id, title: 'Two sum', language: 'python' },
          'alice',
        );
        expect(created).toMatchObject({ id, title: 'Two sum', language: 'python' });
        expect(created.createdAt).toBeInstanceOf(Date);
        expect(await store.getRoom(id)).toEqual(created);
        const timeline = await store.readTimeline(id, 0, 10);
        expect(timeline).toHaveLength(1);
        expect(timeline[0]).toMatchObject({ roomId: id, type: 'room.created', actor: 'alice' });
      });

      it('returns null for an unknown room', async () => {
        expect(await store.getRoom(roomId())).toBeNull();
        expect(await store.getRoomWithKind(roomId())).toBeNull();
      });

      it('reads a scratch room with its kind', async () => {
        const id = await newRoom();
        expect(await store.getRoomWithKind(id)).toEqual({
          room: await store.getRoom(id),
          kind: 'scratch',
        });
      });

      it('refuses a duplicate id and leaves the first room and its timeline as they were', async () => {
        const id = await newRoom();
        await expect(
          store.createRoom({ id, title: 'Other', language: 'javascript' }, null),
        ).rejects.toThrow();
        expect(await store.getRoom(id)).toMatchObject({ title: 'Two sum', language: 'python' });
        expect(await store.readTimeline(id, 0, 10)).toHaveLength(1);
      });

      it('updates a room and appends its timeline entry', async () => {
        const id = await newRoom();
        const entry = { type: 'room.renamed', actor: 'bob', payload: { title: 'Merge' }, at: T0 };
        const updated = await store.updateRoom(id, { title: 'Merge' }, entry);
        expect(updated).toMatchObject({ id, title: 'Merge', language: 'python' });
        expect(await store.getRoom(id)).toEqual(updated);
        const timeline = await store.readTimeline(id, 0, 10);
        expect(timeline.map((e) => e.type)).toEqual(['room.created', 'room.renamed']);
        expect(timeline[1]).toMatchObject({ ...entry, roomId: id });

        const relanguaged = await store.updateRoom(
          id,
          { language: 'javascript' },
          { type: 'room.language', actor: null, payload: {}, at: T0 },
        );
        expect(relanguaged).toMatchObject({ title: 'Merge', language: 'javascript' });
      });

      it('returns null for an unknown room and writes no timeline entry', async () => {
        const id = roomId();
        const result = await store.updateRoom(
          id,
          { title: 'x' },
          { type: 'room.renamed', actor: 'bob', payload: {}, at: T0 },
        );
        expect(result).toBeNull();
        expect(await store.getRoom(id)).toBeNull();
        expect(await store.readTimeline(id, 0, 10)).toEqual([]);
      });

      it('keeps the old room when its timeline entry cannot be written', async () => {
        const id = await newRoom();
        // jsonb refuses the NUL character, so the second statement of the transaction fails.
        const bad = { type: 'room.renamed', actor: 'bob', payload: { title: '\u0000' }, at: T0 };
        await expect(store.updateRoom(id, { title: 'Renamed' }, bad)).rejects.toThrow();
        expect(await store.getRoom(id)).toMatchObject({ title: 'Two sum' });
        expect(await store.readTimeline(id, 0, 10)).toHaveLength(1);
      });
    });

    docLogContract({ store: () => store, newRoom: () => newRoom() });
    runsContract({ store: () => store, newRoom: () => newRoom() });
    accountsContract({ store: () => store, newRoom: () => newRoom() });
    interviewsContract({ store: () => store });
    sentLogContract(() => store.sentMail);

    describe('timeline', () => {
      it('appends entries and pages through them in order', async () => {
        const a = await newRoom();
        const entries: TimelineEntry[] = Array.from({ length: 7 }, (_, i) => ({
          roomId: a,
          type: i % 2 ? 'hint.revealed' : 'run.finished',
          actor: i === 3 ? null : `user-${i}`,
          payload: { i, nested: { list: [1, 'two', null], flag: true } },
          at: new Date(T0.getTime() + i),
        }));
        await store.appendTimeline(entries);
        await store.appendTimeline([]);
        const all = await store.readTimeline(a, 0, 100);
        expect(all.map(({ id: _id, ...rest }) => rest)).toEqual([
          expect.objectContaining({ type: 'room.created' }),
          ...entries,
        ]);
        const ids = all.map((e) => e.id);
        expect(ids).toEqual([...ids].sort((x, y) => x - y));
        expect(await store.readTimeline(a, ids[2]!, 3)).toEqual(all.slice(3, 6));
        expect(await store.readTimeline(a, ids.at(-1)!, 10)).toEqual([]);
      });

      it('stores nothing of a batch that names an unknown room', async () => {
        const a = await newRoom();
        const entry = { type: 'note', actor: 'bob', payload: {}, at: T0 };
        await expect(
          store.appendTimeline([
            { ...entry, roomId: a },
            { ...entry, roomId: roomId() },
          ]),
        ).rejects.toThrow();
        expect(await store.readTimeline(a, 0, 10)).toHaveLength(1);
      });
    });

    it('answers ping', async () => {
      await expect(store.ping()).resolves.toBeUndefined();
    });

    it('keeps everything across close and reopen', async () => {
      const own = await makeStore();
      try {
        const a = roomId();
        await own.store.createRoom({ id: a, title: 'Durable', language: 'python' }, 'alice');
        await own.store.appendUpdates([update(a, 1), update(a, 2), update(a, 3)]);
        const log = await own.store.readUpdates(a, 0, 10);
        await own.store.writeSnapshot(a, log[1]!.seq, bytes(7, 0, 7));
        await own.store.appendTimeline([
          { roomId: a, type: 'note', actor: null, payload: { x: 1 }, at: T0 },
        ]);
        const before = {
          room: await own.store.getRoom(a),
          doc: await own.store.loadDoc(a),
          timeline: await own.store.readTimeline(a, 0, 10),
        };
        await own.store.close();
        await expect(own.store.ping()).rejects.toThrow();

        const reopened = await own.reopen();
        try {
          expect(await reopened.getRoom(a)).toEqual(before.room);
          expect(await reopened.loadDoc(a)).toEqual(before.doc);
          expect(await reopened.readUpdates(a, 0, 10)).toEqual(log);
          expect(await reopened.readTimeline(a, 0, 10)).toEqual(before.timeline);
          // Sequences continue after the restart instead of reusing numbers.
          await reopened.appendUpdates([update(a, 4)]);
          expect((await reopened.loadDoc(a)).lastSeq).toBeGreaterThan(log[2]!.seq);
        } finally {
          await reopened.close();
        }
      } finally {
        await own.cleanup();
      }
    });
  });
}
