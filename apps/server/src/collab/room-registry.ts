import type { Logger } from '../logger.js';
import type { Store } from '../store/store.js';
import type { UpdateBatcher } from './batcher.js';
import * as Y from 'yjs';
import { loadReplica } from './load-replica.js';
import { RoomSession } from './room-session.js';

export interface RegistryOptions {
  store: Store;
  logger: Logger;
  /** A room with no connection is unloaded after this long. */
  idleMs: number;
  /** Write a snapshot after this many committed updates. */
  snapshotEvery: number;
}

/**
 * Loads rooms on first use, shares one RoomSession per room, unloads rooms
 * nobody uses, and compacts logs into snapshots off the hot path. Concurrent
 * acquisitions of one room share one load; a failed load is not cached and
 * writes nothing.
 */
export class RoomRegistry {
  private readonly sessions = new Map<string, Promise<RoomSession>>();
  private readonly idleTimers = new Map<string, ReturnType<typeof setTimeout>>();
  private readonly compacting = new Set<string>();
  private batcher!: UpdateBatcher;

  constructor(private readonly options: RegistryOptions) {}

  /** The batcher reports commits back to the registry, so the two are wired after construction. */
  attachBatcher(batcher: UpdateBatcher): void {
    this.batcher = batcher;
  }

  get loadedCount(): number {
    return this.sessions.size;
  }

  isLoaded(roomId: string): boolean {
    return this.sessions.has(roomId);
  }

  /** Runs `fn` on the room's session if this node has it loaded (or loading); else does nothing. */
  ifLoaded(roomId: string, fn: (session: RoomSession) => void): void {
    this.sessions
      .get(roomId)
      ?.then(fn)
      .catch((err: unknown) =>
        this.options.logger.warn({ err, roomId }, 'a change from another node was not applied'),
      );
  }

  /** Every session loaded on this node. */
  async loaded(): Promise<RoomSession[]> {
    const settled = await Promise.allSettled([...this.sessions.values()]);
    return settled.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
  }

  acquire(roomId: string): Promise<RoomSession> {
    this.cancelIdle(roomId);
    let loading = this.sessions.get(roomId);
    if (!loading) {
      loading = RoomSession.load(
        this.options.store,
        roomId,
        this.batcher.uncommitted(roomId),
        this.options.logger,
      );
      this.sessions.set(roomId, loading);
      loading.catch((err: unknown) => {
        this.sessions.delete(roomId);
        this.options.logger.error({ err, roomId }, 'room load failed');
      });
    }
    return loading;
  }

  /** Call when a connection leaves; schedules the unload of an empty room. */
  release(session: RoomSession): void {
    if (session.connectionCount > 0) return;
    this.cancelIdle(session.roomId);
    this.idleTimers.set(
      session.roomId,
      setTimeout(() => void this.unload(session), this.options.idleMs),
    );
  }

  /** Counts committed updates and compacts rooms that have gathered enough. */
  committed(countsByRoom: Map<string, number>): void {
    for (const [roomId, count] of countsByRoom) {
      void this.sessions.get(roomId)?.then((session) => {
        session.sinceSnapshot += count;
        if (session.sinceSnapshot >= this.options.snapshotEvery) void this.compact(session);
      });
    }
  }

  private async unload(session: RoomSession): Promise<void> {
    this.idleTimers.delete(session.roomId);
    if (session.connectionCount > 0) return;
    this.sessions.delete(session.roomId);
    session.destroy();
    await this.batcher.flush();
    if (session.sinceSnapshot > 0) await this.compact(session);
    this.options.logger.debug({ roomId: session.roomId }, 'room unloaded');
  }

  /** Merges the stored snapshot and later updates into a newer snapshot. Reads and writes the store only. */
  async compact(session: RoomSession): Promise<void> {
    const { roomId } = session;
    if (this.compacting.has(roomId)) return;
    this.compacting.add(roomId);
    const counted = session.sinceSnapshot;
    try {
      const { doc, lastSeq } = await loadReplica(this.options.store, roomId, this.options.logger);
      if (lastSeq === 0) return;
      // Encoding through a document drops deleted content: snapshots stay small and load fast.
      const state = Y.encodeStateAsUpdateV2(doc);
      doc.destroy();
      await this.options.store.writeSnapshot(roomId, lastSeq, state);
      session.sinceSnapshot = Math.max(0, session.sinceSnapshot - counted);
    } catch (err) {
      this.options.logger.warn(
        { err, roomId },
        'snapshot failed; the log is intact and loading stays correct',
      );
    } finally {
      this.compacting.delete(roomId);
    }
  }

  /** Flushes pending updates and unloads every room (shutdown). */
  async closeAll(): Promise<void> {
    for (const t of this.idleTimers.values()) clearTimeout(t);
    this.idleTimers.clear();
    await this.batcher.flush();
    const sessions = await Promise.allSettled([...this.sessions.values()]);
    this.sessions.clear();
    for (const s of sessions) if (s.status === 'fulfilled') s.value.destroy();
  }

  private cancelIdle(roomId: string): void {
    const t = this.idleTimers.get(roomId);
    if (t) clearTimeout(t);
    this.idleTimers.delete(roomId);
  }
}
