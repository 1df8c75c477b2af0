import * as Y from 'yjs';
import { Awareness, applyAwarenessUpdate, removeAwarenessStates } from 'y-protocols/awareness';
import { AppError } from '../errors.js';
import type { Store, StoredInterview } from '../store/store.js';
import { awarenessClientIds } from './awareness-guard.js';
import { applyUntrustedUpdateV2 } from './bounded-decoder.js';
import { loadReplica, replicaDoc } from './load-replica.js';
import type { Logger } from '../logger.js';

/**
 * A room loaded in memory: the server's replica of the document (used to sync
 * joiners) and the presence of everyone connected. It knows nothing of sockets:
 * connections are opaque ids.
 */
export class RoomSession {
  readonly awareness: Awareness;
  /** Awareness client id → the connection that owns it. */
  private readonly awarenessOwners = new Map<number, string>();
  private readonly connections = new Set<string>();
  /** Updates committed since the last snapshot; compaction resets it. */
  sinceSnapshot = 0;
  /**
   * The interview's control state (lock, Run, end) as this node last read or
   * changed it, for the per-edit checks; null in scratch rooms. Every
   * command refreshes it on every node (socket-server), and each handshake
   * reads it fresh from the store.
   */
  control: StoredInterview | null = null;
  /** The highest store sequence number this replica has read, and the one of the round before. */
  private seqSeen: number;
  private seqFloor: number;

  private constructor(
    readonly roomId: string,
    public doc: Y.Doc,
    storedSeq: number,
  ) {
    this.seqSeen = storedSeq;
    this.seqFloor = storedSeq;
    // Presence lives on its own document: replacing the replica on reload must
    // not take everyone's cursors with it (Awareness dies with its document).
    this.awareness = new Awareness(replicaDoc(roomId));
    this.awareness.setLocalState(null);
  }

  /**
   * Builds the replica from the store and from `uncommitted` updates still on
   * their way to it. Never writes.
   */
  static async load(
    store: Store,
    roomId: string,
    uncommitted: Uint8Array[] = [],
    logger?: Logger,
  ): Promise<RoomSession> {
    const { doc, lastSeq } = await RoomSession.buildDoc(store, roomId, uncommitted, logger);
    return new RoomSession(roomId, doc, lastSeq);
  }

  private static async buildDoc(
    store: Store,
    roomId: string,
    uncommitted: Uint8Array[],
    logger?: Logger,
  ): Promise<{ doc: Y.Doc; lastSeq: number }> {
    const loaded = await loadReplica(store, roomId, logger);
    loaded.doc.transact(() => {
      for (const u of uncommitted) Y.applyUpdateV2(loaded.doc, u);
    });
    return loaded;
  }

  /**
   * Where the cluster's next repair reads the store from. One round behind the
   * highest number seen: sequence numbers are taken when a transaction starts,
   * so a batch from another node can commit just after a higher one was read.
   */
  repairFrom(): number {
    return this.seqFloor;
  }

  /** Records a repair round: the highest sequence number it read, or null for none. */
  repaired(latest: number | null, complete = true): void {
    const before = this.seqSeen;
    if (latest !== null && latest > this.seqSeen) this.seqSeen = latest;
    // A round that could not read everything catches up before it looks back.
    this.seqFloor = complete ? before : this.seqSeen;
  }

  get connectionCount(): number {
    return this.connections.size;
  }

  addConnection(connectionId: string): void {
    this.connections.add(connectionId);
  }

  /** Removes the connection and returns the awareness ids it owned (now removed). */
  removeConnection(connectionId: string): number[] {
    this.connections.delete(connectionId);
    const owned = [...this.awarenessOwners]
      .filter(([, owner]) => owner === connectionId)
      .map(([id]) => id);
    for (const id of owned) this.awarenessOwners.delete(id);
    // Only states the awareness accepted have a clock to announce the removal with.
    const known = owned.filter((id) => this.awareness.meta.has(id));
    removeAwarenessStates(this.awareness, known, connectionId);
    return known;
  }

  /** Sync step 2 for a peer's state vector, plus our own vector. */
  syncReply(stateVector: Uint8Array): { update: Uint8Array; sv: Uint8Array } {
    try {
      Y.decodeStateVector(stateVector);
    } catch {
      throw new AppError('MALFORMED_MESSAGE', 'the state vector could not be decoded');
    }
    return {
      update: Y.encodeStateAsUpdateV2(this.doc, stateVector),
      sv: Y.encodeStateVector(this.doc),
    };
  }

  /**
   * Applies a client's update to the replica. Throws MALFORMED_UPDATE when it
   * cannot be decoded; the replica may then be damaged, so the caller must
   * `reload` before serving anyone else from it.
   */
  applyUpdate(update: Uint8Array, origin: unknown): void {
    try {
      applyUntrustedUpdateV2(this.doc, update, origin);
    } catch {
      throw new AppError('MALFORMED_UPDATE');
    }
  }

  /** Replaces the replica with stored state plus `uncommitted` (after a malformed update). */
  async reload(store: Store, uncommitted: Uint8Array[]): Promise<void> {
    const fresh = await RoomSession.buildDoc(store, this.roomId, uncommitted);
    const old = this.doc;
    this.doc = fresh.doc;
    this.seqSeen = Math.max(this.seqSeen, fresh.lastSeq);
    old.destroy();
  }

  /**
   * Applies an awareness update from a connection. A connection may only set
   * states for client ids that are free or already its own.
   */
  applyAwareness(update: Uint8Array, connectionId: string): void {
    const ids = awarenessClientIds(update);
    for (const id of ids) {
      const owner = this.awarenessOwners.get(id);
      if (owner !== undefined && owner !== connectionId) {
        throw new AppError('FORBIDDEN', 'that presence belongs to someone else');
      }
    }
    for (const id of ids) this.awarenessOwners.set(id, connectionId);
    applyAwarenessUpdate(this.awareness, update, connectionId);
  }

  /** Client ids of the presence states this node's own connections set. */
  ownAwarenessClients(): number[] {
    return [...this.awarenessOwners.keys()].filter((id) => this.awareness.meta.has(id));
  }

  /** Client ids of every current presence state, for a joiner. */
  awarenessClients(): number[] {
    return [...this.awareness.getStates().keys()];
  }

  destroy(): void {
    this.awareness.doc.destroy();
    this.doc.destroy();
  }
}
