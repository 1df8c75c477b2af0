import { createAdapter } from '@socket.io/redis-streams-adapter';
import { Redis } from 'ioredis';
import type { Namespace } from 'socket.io';
import { MessageType, type Adapter, type ClusterMessage } from 'socket.io-adapter';
import * as Y from 'yjs';
import { applyAwarenessUpdate, encodeAwarenessUpdate } from 'y-protocols/awareness';
import type { Logger } from '../logger.js';
import type { Store, StoredUpdate } from '../store/store.js';
import { PeerWatch } from './peer-watch.js';
import type { RoomRegistry } from './room-registry.js';
import type { RoomSession } from './room-session.js';

/** Messages between server nodes (Socket.IO's `serverSideEmit`). */
export interface InterServerEvents {
  /**
   * A presence change on another node: keep this node's presence complete for
   * its joiners, and hand it to this node's clients in the room.
   */
  'replica:awareness': (roomId: string, update: Uint8Array) => void;
  /** Someone joined a room on another node: announce the presence of this node's people in it. */
  'replica:hello': (roomId: string) => void;
  /** An interview's control state (lock, Run, end) changed on another node: re-read it. */
  'interview:controls': (roomId: string) => void;
}

/** How many updates one repair reads per room at most; the rest waits for the next round. */
const REPAIR_PAGE = 2_000;
/**
 * A round reads this many rooms per query, and at most this many updates per
 * room in it: enough for a room being edited, and a bounded answer whatever
 * the backlog. A room whose page comes back full is then read on its own.
 */
const REPAIR_ROOMS_PER_READ = 500;
const REPAIR_GLANCE = 200;
const PEER = 'peer';
/** How often a node counts the others (a new one is known sooner, from its first message). */
const PEER_COUNT_MS = 2_000;

/**
 * Keeps every node's replicas and presence in step when several nodes serve one
 * room. Client packets cross nodes through the Redis Streams adapter, which
 * resumes its stream after a Redis blip instead of dropping packets; presence
 * crosses as one `replica:awareness` message per change (Redis pub/sub, so a
 * blip may drop one: the next renewal, at most 15 s later, restores it). Replicas
 * follow two paths: each node applies the `doc:update` room broadcasts it reads
 * from the stream (the very message it hands its clients, so an update crosses
 * Redis once), and a periodic repair reads what the store committed since the
 * replica last looked, so an update that missed the fast path still arrives.
 * Yjs updates are idempotent, so reading one twice is harmless.
 */
export class Cluster {
  private readonly redis: Redis;
  private repairTimer: NodeJS.Timeout | undefined;
  private repairing = false;
  private forward: (roomId: string, update: Uint8Array) => void = () => {};
  private peers: PeerWatch | undefined;

  constructor(
    private readonly options: {
      redisUrl: string;
      prefix: string;
      repairMs: number;
      store: Store;
      registry: RoomRegistry;
      logger: Logger;
    },
  ) {
    this.redis = new Redis(options.redisUrl, {
      maxRetriesPerRequest: null,
      // Reconnect within half a second once Redis is back (the default backs off to 2 s).
      retryStrategy: (attempt) => Math.min(attempt * 50, 500),
      // The commands of one tick (an edit's XADD, its cursor's PUBLISH) go out as one write.
      enableAutoPipelining: true,
    });
    this.redis.on('error', (err: Error) =>
      options.logger.warn({ err: err.message }, 'cluster Redis connection failed; retrying'),
    );
  }

  /**
   * The adapter factory for `new Server(…, { adapter })`: the Streams
   * adapter, whose room broadcasts of `doc:update` from other nodes also
   * reach this node's replicas. A plain function: Socket.IO calls it with `new`.
   */
  adapter(): (nsp: Namespace) => Adapter {
    const make = createAdapter(this.redis, {
      streamName: `${this.options.prefix}:socket.io`,
      channelPrefix: `${this.options.prefix}:socket.io`,
      sessionKeyPrefix: `${this.options.prefix}:sio:session:`,
    });
    const toReplica = (roomId: string, update: Uint8Array) => this.peerUpdate(roomId, update);
    return function clusterAdapter(nsp: Namespace): Adapter {
      return hearPeerUpdates(make(nsp), toReplica);
    };
  }

  /**
   * An update another node's client sent, read from the stream: into this
   * node's replica. Never throws (`ifLoaded` applies it later and logs a
   * failure): the adapter's reader would read the same entries again.
   */
  private peerUpdate(roomId: string, update: Uint8Array): void {
    this.peers?.heard();
    this.options.registry.ifLoaded(roomId, (session) => {
      Y.applyUpdateV2(session.doc, update, PEER);
    });
  }

  /** Listens to the other nodes and starts the periodic repair. */
  attach(
    io: {
      on<E extends keyof InterServerEvents>(event: E, listener: InterServerEvents[E]): unknown;
    },
    send: {
      /** How many nodes, this one included, listen to the cluster's messages now. */
      countNodes: () => Promise<number>;
      /** A presence update to the other nodes, for their replicas and their clients. */
      presenceToPeers: (roomId: string, update: Uint8Array) => void;
      /** A presence update from another node to this node's own clients in the room. */
      presenceToClients: (roomId: string, update: Uint8Array) => void;
      /**
       * A document update to this node's own clients in the room: what a
       * repair found that the replica lacked. Those clients lack it too (it
       * reached nobody here), for instance a joiner whose replica was loaded
       * before other nodes' batches, delayed by a database outage, committed.
       */
      updateToClients: (roomId: string, update: Uint8Array) => void;
    },
  ): void {
    this.forward = send.updateToClients;
    const { registry } = this.options;
    // Presence set while this node was alone was published to nobody: share it now.
    const shareOwnPresence = () =>
      void registry.loaded().then((sessions) => {
        for (const session of sessions) {
          const own = session.ownAwarenessClients();
          if (own.length > 0)
            send.presenceToPeers(session.roomId, encodeAwarenessUpdate(session.awareness, own));
        }
      });
    this.peers = new PeerWatch(send.countNodes, PEER_COUNT_MS, shareOwnPresence);
    this.peers.start();
    const heard = this.peers.heard.bind(this.peers);
    io.on('interview:controls', heard);
    io.on('replica:hello', (roomId) => {
      heard();
      registry.ifLoaded(roomId, (session) => {
        const own = session.ownAwarenessClients();
        if (own.length > 0)
          send.presenceToPeers(roomId, encodeAwarenessUpdate(session.awareness, own));
      });
    });
    // Presence crosses nodes once, here, and not also as a room broadcast: one Redis write per change.
    io.on('replica:awareness', (roomId, update) => {
      heard();
      registry.ifLoaded(roomId, (session) => {
        const bytes = toBytes(update);
        applyAwarenessUpdate(session.awareness, bytes, PEER);
        send.presenceToClients(roomId, bytes);
      });
    });
    this.repairTimer = setInterval(() => void this.repairAll(), this.options.repairMs);
    this.repairTimer.unref();
  }

  /**
   * Reads what the store committed for every loaded room since its replica
   * last looked: one query per 500 rooms, each room from its own cursor.
   */
  async repairAll(): Promise<void> {
    if (this.repairing) return;
    this.repairing = true;
    const { store, logger } = this.options;
    try {
      const sessions = await this.options.registry.loaded();
      for (let i = 0; i < sessions.length; i += REPAIR_ROOMS_PER_READ) {
        const group = sessions.slice(i, i + REPAIR_ROOMS_PER_READ);
        const from = new Map(group.map((s) => [s.roomId, s.repairFrom()]));
        const found = await store.readUpdatesOfRooms(from, REPAIR_GLANCE).catch((err: unknown) => {
          logger.warn({ err, rooms: group.length }, 'replica repair failed');
          return null;
        });
        if (!found) continue;
        for (const session of group) {
          const updates = found.get(session.roomId) ?? [];
          try {
            // A backlog (after an outage, say) is paged through room by room.
            if (updates.length < REPAIR_GLANCE) this.apply(session, updates, true);
            else await this.repair(session);
          } catch (err) {
            logger.warn({ err, roomId: session.roomId }, 'replica repair failed');
          }
        }
      }
    } finally {
      this.repairing = false;
    }
  }

  private async repair(session: RoomSession): Promise<void> {
    const updates = await this.options.store.readUpdates(
      session.roomId,
      session.repairFrom(),
      REPAIR_PAGE,
    );
    this.apply(session, updates, updates.length < REPAIR_PAGE);
  }

  /** Applies what a repair read from the session's cursor; `complete` when it read to the end. */
  private apply(session: RoomSession, updates: readonly StoredUpdate[], complete: boolean): void {
    if (updates.length === 0) {
      session.repaired(null);
      return;
    }
    // Yjs reports an update only for a transaction that changed the document.
    const found = (update: Uint8Array) => this.forward(session.roomId, update);
    session.doc.on('updateV2', found);
    try {
      session.doc.transact(() => {
        for (const u of updates) Y.applyUpdateV2(session.doc, u.update);
      }, PEER);
    } finally {
      session.doc.off('updateV2', found);
    }
    session.repaired(updates.at(-1)!.seq, complete);
  }

  /**
   * Whether another node may be listening: presence and hellos, which only
   * other nodes read, are not published while this node is alone.
   */
  get hasPeers(): boolean {
    return this.peers?.hasPeers ?? true;
  }

  /** Whether Redis answers now (within a second). */
  async ping(): Promise<boolean> {
    if (this.redis.status !== 'ready') return false;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<boolean>((resolve) => {
      timer = setTimeout(() => resolve(false), 1_000);
    });
    const answer = this.redis.ping().then(
      (r) => r === 'PONG',
      () => false,
    );
    try {
      return await Promise.race([answer, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  async close(): Promise<void> {
    clearInterval(this.repairTimer);
    this.peers?.stop();
    await this.redis.quit().catch(() => this.redis.disconnect());
  }
}

/** The Streams adapter's hook for what it reads from Redis (protected in its types). */
interface Hearing {
  uid: string;
  onMessage(message: ClusterMessage, offset?: string): void;
}

/**
 * Makes the adapter hand every `doc:update` room broadcast another node
 * published to `toReplica`, after its own clients have it. The client packet
 * is the one the edit's node emits (`socket.to(roomId).emit('doc:update',
 * update)`): one room, the update as its only argument.
 */
function hearPeerUpdates(
  adapter: Adapter,
  toReplica: (roomId: string, update: Uint8Array) => void,
): Adapter {
  const hearing = adapter as unknown as Hearing;
  const onMessage = hearing.onMessage.bind(adapter);
  hearing.onMessage = (message, offset) => {
    // The adapter appends the stream offset to the packet's arguments as it delivers.
    const update = message.uid === hearing.uid ? null : docUpdateOf(message);
    onMessage(message, offset);
    if (update) toReplica(update.roomId, update.bytes);
  };
  return adapter;
}

function docUpdateOf(message: ClusterMessage): { roomId: string; bytes: Uint8Array } | null {
  if (message.type !== MessageType.BROADCAST || message.data.requestId !== undefined) return null;
  const { rooms } = message.data.opts;
  const args = (message.data.packet as { data?: unknown } | null)?.data;
  if (!Array.isArray(args) || args.length !== 2 || args[0] !== 'doc:update') return null;
  if (rooms.length !== 1 || typeof rooms[0] !== 'string') return null;
  const bytes = args[1] as unknown;
  if (!(bytes instanceof Uint8Array) && !(bytes instanceof ArrayBuffer)) return null;
  return { roomId: rooms[0], bytes: toBytes(bytes as Uint8Array) };
}

/** msgpack over Redis hands binary back as a Buffer or an ArrayBuffer view; Yjs wants bytes. */
function toBytes(value: Uint8Array): Uint8Array {
  return value instanceof Uint8Array ? value : new Uint8Array(value as ArrayBufferLike);
}
