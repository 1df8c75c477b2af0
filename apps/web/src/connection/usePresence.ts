import { useMemo, useSyncExternalStore } from 'react';
import type { RoomConnection } from '@tandem/client';

type Awareness = RoomConnection['awareness'];

/** One person in the room, as their awareness state announces them. */
export interface Person {
  clientId: number;
  name: string;
  color: string;
  isSelf: boolean;
}

function readUser(state: Record<string, unknown>): { name: string; color: string } | null {
  const user = state['user'];
  if (typeof user !== 'object' || user === null) return null;
  const { name, color } = user as Record<string, unknown>;
  if (typeof name !== 'string' || typeof color !== 'string') return null;
  return { name, color };
}

function readPeople(awareness: Awareness): Person[] {
  const people: Person[] = [];
  awareness.getStates().forEach((state, clientId) => {
    // Remote states are untrusted: a peer that announces no user is not listed.
    const user = readUser(state);
    if (user) people.push({ clientId, ...user, isSelf: clientId === awareness.clientID });
  });
  // Self first, then by name: a stable order that doesn't jump as cursors move.
  return people.sort(
    (a, b) =>
      Number(b.isSelf) - Number(a.isSelf) ||
      a.name.localeCompare(b.name) ||
      a.clientId - b.clientId,
  );
}

function samePeople(a: Person[], b: Person[]): boolean {
  return (
    a.length === b.length &&
    a.every((p, i) => {
      const q = b[i];
      return q && p.clientId === q.clientId && p.name === q.name && p.color === q.color;
    })
  );
}

function presenceStore(awareness: Awareness) {
  let people = readPeople(awareness);
  return {
    subscribe(onChange: () => void): () => void {
      // Awareness 'change' fires on joins, leaves and state edits, not on heartbeats;
      // cursor moves are state edits, hence the comparison before notifying.
      const handler = () => {
        const next = readPeople(awareness);
        if (!samePeople(people, next)) {
          people = next;
          onChange();
        }
      };
      handler(); // catch up with what changed before React subscribed
      awareness.on('change', handler);
      return () => awareness.off('change', handler);
    },
    getSnapshot: () => people,
  };
}

/** Everyone in the room (self included), updated live. */
export function usePresence(awareness: Awareness): Person[] {
  const store = useMemo(() => presenceStore(awareness), [awareness]);
  return useSyncExternalStore(store.subscribe, store.getSnapshot);
}
