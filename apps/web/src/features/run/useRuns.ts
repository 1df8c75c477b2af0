import { useMemo, useSyncExternalStore } from 'react';
import type { RoomConnection } from '@tandem/client';
import type { RunStatus, RunView } from '@tandem/protocol';

const PROGRESS: Record<RunStatus, number> = { queued: 0, running: 1, finished: 2 };

/**
 * Whether `next` should replace `current` as the room's latest run. Updates of
 * one run can arrive out of order with the reply to `run()` (which carries the
 * queued state), so a run never goes back from finished to queued; a newer run
 * replaces an older one.
 */
export function supersedes(next: RunView, current: RunView | null): boolean {
  if (!current) return true;
  if (next.id === current.id) return PROGRESS[next.status] >= PROGRESS[current.status];
  return next.createdAt >= current.createdAt;
}

function runStore(conn: RoomConnection) {
  let latest: RunView | null = null;
  const listeners = new Set<() => void>();
  const offer = (run: RunView) => {
    if (!supersedes(run, latest)) return;
    latest = run;
    listeners.forEach((listener) => listener());
  };
  // Subscribed for the store's whole life, not only while React listens: the
  // room's latest run is sent right after joining and must not be missed.
  conn.on('run', offer);
  return {
    offer,
    subscribe(onChange: () => void): () => void {
      listeners.add(onChange);
      return () => listeners.delete(onChange);
    },
    getSnapshot: () => latest,
  };
}

/**
 * The room's latest run as everyone in it sees it: queued with its place,
 * running with per-case progress, finished with its result. `offer` feeds in
 * the reply to this client's own `run()`, which may beat the first update.
 */
export function useRuns(conn: RoomConnection): {
  latest: RunView | null;
  offer: (run: RunView) => void;
} {
  const store = useMemo(() => runStore(conn), [conn]);
  const latest = useSyncExternalStore(store.subscribe, store.getSnapshot);
  return { latest, offer: store.offer };
}
