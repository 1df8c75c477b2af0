/**
 * The store with room reads served from a `RoomCache`: `getRoom` and
 * `getRoomWithKind` (GET /api/rooms/:id, every socket join) read the cache;
 * `updateRoom`, the only write that changes a room row, invalidates it once
 * committed and tells `onChanged` (other nodes, through Redis). A room's kind
 * is fixed when it is created (an interview's room is created with its
 * interview row, in one transaction) and rooms are never deleted, so the
 * cached kind cannot go stale. Everything else goes straight to the store.
 */
import type { RoomCache } from './room-cache.js';
import type { RoomWithKind, Store, StoredRoom } from './store.js';

export class CachedRoomStore implements Store {
  readonly runs: Store['runs'];
  readonly jobs: Store['jobs'];
  readonly sentMail: Store['sentMail'];
  readonly accounts: Store['accounts'];
  readonly interviews: Store['interviews'];
  readonly identities: Store['identities'];
  readonly profileFiles: Store['profileFiles'];
  readonly #inner: Store;
  readonly #cache: RoomCache<RoomWithKind>;
  readonly #onChanged: (roomId: string) => void;
  readonly #load: (id: string) => Promise<RoomWithKind | null>;

  constructor(inner: Store, cache: RoomCache<RoomWithKind>, onChanged: (roomId: string) => void) {
    this.#inner = inner;
    this.#cache = cache;
    this.#onChanged = onChanged;
    this.#load = (id) => inner.getRoomWithKind(id);
    this.runs = inner.runs;
    this.jobs = inner.jobs;
    this.sentMail = inner.sentMail;
    this.accounts = inner.accounts;
    this.interviews = inner.interviews;
    this.identities = inner.identities;
    this.profileFiles = inner.profileFiles;
  }

  getRoomWithKind(id: string): Promise<RoomWithKind | null> {
    return this.#cache.get(id, this.#load);
  }

  heldRoomWithKind(id: string): RoomWithKind | undefined {
    return this.#cache.peek(id);
  }

  async getRoom(id: string): Promise<StoredRoom | null> {
    return (await this.getRoomWithKind(id))?.room ?? null;
  }

  async updateRoom(...args: Parameters<Store['updateRoom']>): Promise<StoredRoom | null> {
    const [id] = args;
    try {
      return await this.#inner.updateRoom(...args);
    } finally {
      // Also after a failure: the commit may have happened before the answer was lost.
      this.#cache.invalidate(id);
      this.#onChanged(id);
    }
  }

  createRoom(...args: Parameters<Store['createRoom']>) {
    return this.#inner.createRoom(...args);
  }
  appendUpdates(...args: Parameters<Store['appendUpdates']>) {
    return this.#inner.appendUpdates(...args);
  }
  loadDoc(...args: Parameters<Store['loadDoc']>) {
    return this.#inner.loadDoc(...args);
  }
  writeSnapshot(...args: Parameters<Store['writeSnapshot']>) {
    return this.#inner.writeSnapshot(...args);
  }
  readUpdates(...args: Parameters<Store['readUpdates']>) {
    return this.#inner.readUpdates(...args);
  }
  readUpdatesOfRooms(...args: Parameters<Store['readUpdatesOfRooms']>) {
    return this.#inner.readUpdatesOfRooms(...args);
  }
  appendTimeline(...args: Parameters<Store['appendTimeline']>) {
    return this.#inner.appendTimeline(...args);
  }
  readTimeline(...args: Parameters<Store['readTimeline']>) {
    return this.#inner.readTimeline(...args);
  }
  ping() {
    return this.#inner.ping();
  }
  close() {
    return this.#inner.close();
  }
}
