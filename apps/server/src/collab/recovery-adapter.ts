import type { Namespace, ServerOptions } from 'socket.io';
import {
  Adapter,
  SessionAwareAdapter,
  type BroadcastOptions,
  type PrivateSessionId,
  type Session,
} from 'socket.io-adapter';
import type { Logger } from '../logger.js';
import { channelsOf, standingOf, type Standing } from './broadcasts.js';
import type { Cluster } from './cluster.js';
import type { RecoveryGate } from './recovery-gate.js';

/** How long a reconnect waits for its recovery to be decided (Redis or the store away) before it joins afresh. */
const DECISION_MS = 2_000;
/** Presence is not replayed: every connect sends all of it. */
const PRESENCE = 'awareness:update';

type Packet = { data?: unknown[] };
type StoredSession = Parameters<Adapter['persistSession']>[0];

/**
 * Socket.IO's single-node session store, which keeps every room broadcast
 * for the recovery window, minus presence: a recovery never replays it, and
 * presence renewals (every 15 s per client) would be most of what it keeps.
 */
class SingleNodeSessions extends SessionAwareAdapter {
  override broadcast(packet: Packet, opts: BroadcastOptions): void {
    if (packet.data?.[0] === PRESENCE) Adapter.prototype.broadcast.call(this, packet, opts);
    else super.broadcast(packet, opts);
  }
}

/**
 * The adapter and recovery options of the Socket.IO server: the cluster's
 * adapter (or the in-memory one), gated for connection-state recovery when
 * `recoveryMs` > 0. The handshake middleware runs on every connect, recovered
 * or not (`skipMiddlewares: false`).
 */
export function adapterOptions(deps: {
  recoveryMs: number;
  cluster: Cluster | undefined;
  gate: RecoveryGate;
  logger: Logger;
}): Partial<ServerOptions> {
  const { recoveryMs, cluster } = deps;
  if (recoveryMs === 0) return cluster ? { adapter: cluster.adapter() } : {};
  const make = cluster ? cluster.adapter() : (nsp: Namespace) => new SingleNodeSessions(nsp);
  return {
    adapter: gatedRecovery(make, deps),
    connectionStateRecovery: { maxDisconnectionDuration: recoveryMs, skipMiddlewares: false },
  };
}

/**
 * Wraps an adapter factory (Socket.IO's `adapter` option: the single-node
 * store, or the Redis Streams adapter's) for connection-state recovery:
 *
 * - a dropped socket's session keeps only its standing (who it was: role,
 *   participant, lobby, sign-in; never the room's replica) and only the
 *   channels that standing gives, so the replay is computed for those;
 * - a session is restored only if the RecoveryGate finds the standing
 *   unchanged, within DECISION_MS, and at most once;
 * - presence is left out of the replay;
 * - a socket's own emits (welcome, staff view, latest run, presence and the
 *   like, all sent again on every connect) go straight to it as without
 *   recovery: not kept, not through Redis.
 *
 * Returns a plain function, not an arrow: Socket.IO calls it with `new`.
 */
function gatedRecovery(
  make: (nsp: Namespace) => Adapter,
  deps: { gate: RecoveryGate; logger: Logger },
): (nsp: Namespace) => Adapter {
  return function gatedAdapter(nsp: Namespace): Adapter {
    return gate(make(nsp), deps);
  };
}

function gate(adapter: Adapter, deps: { gate: RecoveryGate; logger: Logger }): Adapter {
  const { logger } = deps;
  const persist = adapter.persistSession.bind(adapter);
  const restore = adapter.restoreSession.bind(adapter);
  const broadcast = adapter.broadcast.bind(adapter);
  // The single-node store hands back the session it keeps (the same standing
  // object) as often as asked; Redis deletes it on the first read.
  const restored = new WeakSet<object>();

  adapter.persistSession = (session: StoredSession) => {
    // Called while the socket closes: a session that cannot be kept is not (the socket joins afresh).
    try {
      const standing = standingOf(session.data as Parameters<typeof standingOf>[0]);
      const allowed = new Set([session.sid, ...channelsOf(standing)]);
      persist({ ...session, rooms: session.rooms.filter((r) => allowed.has(r)), data: standing });
    } catch (err) {
      logger.warn({ err }, 'a socket session could not be kept for recovery');
    }
  };

  const decide = async (pid: PrivateSessionId, offset: string): Promise<Session | null> => {
    let session: Session | null;
    try {
      // The single-node store answers null when it has nothing; Redis rejects.
      session = await restore(pid, offset);
    } catch {
      return null;
    }
    if (!session) return null;
    const standing = session.data as Standing;
    if (restored.has(standing)) return null;
    restored.add(standing);
    const allowed = new Set([session.sid, ...channelsOf(standing)]);
    if (!session.rooms.every((r) => allowed.has(r))) {
      logger.warn(
        { rooms: session.rooms },
        'a stored socket session names channels it may not have',
      );
      return null;
    }
    if (!(await deps.gate.stillStands(standing))) {
      logger.debug({ roomId: standing.roomId }, 'recovery refused: the standing changed');
      return null;
    }
    return {
      ...session,
      missedPackets: session.missedPackets.filter((p) => p[0] !== PRESENCE),
    };
  };

  adapter.restoreSession = (pid, offset) =>
    within(decide(pid, offset), DECISION_MS).catch((err: unknown) => {
      logger.warn({ err }, 'recovery could not be decided; the socket joins afresh');
      return null;
    }) as Promise<Session>;

  adapter.broadcast = (packet: Packet, opts: BroadcastOptions) => {
    if (isOwnEmit(adapter, opts)) Adapter.prototype.broadcast.call(adapter, packet, opts);
    else broadcast(packet, opts);
  };
  return adapter;
}

/** `socket.emit`: Socket.IO sends it as a broadcast to the socket's own id when recovery is on. */
function isOwnEmit(adapter: Adapter, opts: BroadcastOptions): boolean {
  if (opts.rooms.size !== 1 || (opts.except?.size ?? 0) !== 0) return false;
  const [room] = opts.rooms;
  return (adapter.nsp as Namespace).sockets.has(room!);
}

/** The promise's value, or a rejection once `ms` have passed without one. */
function within<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`not decided within ${ms} ms`)), ms);
  });
  return Promise.race([promise, late]).finally(() => clearTimeout(timer));
}
