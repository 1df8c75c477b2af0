import { useMemo, useSyncExternalStore } from 'react';
import type { ConnectionStatus, RoomConnection } from '@tandem/client';
import type { ErrorBody, Room } from '@tandem/protocol';

/** What the UI shows about a connection, as one immutable snapshot. */
export interface ConnectionState {
  status: ConnectionStatus;
  room: Room | null;
  pendingCount: number;
  /** The server said saving waits for its database (`saving:status`). */
  savingDelayed: boolean;
  lastError: ErrorBody | null;
  /** True once the first sync with the server has completed. */
  synced: boolean;
}

const EVENTS = ['status', 'room', 'pending', 'saving', 'error', 'synced'] as const;

/**
 * An external store over a connection's events: React sees a new snapshot
 * only when one of the fields it renders has changed.
 */
function connectionStore(conn: RoomConnection) {
  let last: ConnectionState | null = null;
  return {
    subscribe(onChange: () => void): () => void {
      const offs = EVENTS.map((event) => conn.on(event, onChange));
      return () => offs.forEach((off) => off());
    },
    getSnapshot(): ConnectionState {
      const { status, room, pendingCount, savingDelayed, lastError, synced } = conn;
      if (
        last?.status !== status ||
        last.room !== room ||
        last.pendingCount !== pendingCount ||
        last.savingDelayed !== savingDelayed ||
        last.lastError !== lastError ||
        last.synced !== synced
      ) {
        last = { status, room, pendingCount, savingDelayed, lastError, synced };
      }
      return last;
    },
  };
}

export function useConnectionState(conn: RoomConnection): ConnectionState {
  const store = useMemo(() => connectionStore(conn), [conn]);
  return useSyncExternalStore(store.subscribe, store.getSnapshot);
}
