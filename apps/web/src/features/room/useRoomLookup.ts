import { useCallback, useEffect, useState } from 'react';
import { TandemApiError } from '@tandem/client';
import type { Room } from '@tandem/protocol';
import { api } from '../../app/api';
import { describeApiError } from '../../ui/errors';

export type RoomLookup =
  | { state: 'loading' }
  | { state: 'found'; room: Room }
  | { state: 'missing' }
  | { state: 'failed'; message: string };

/** Checks that the room exists before asking for a name or opening a connection. */
export function useRoomLookup(roomId: string): { lookup: RoomLookup; retry: () => void } {
  const [lookup, setLookup] = useState<RoomLookup>({ state: 'loading' });
  const [attempt, setAttempt] = useState(0);

  useEffect(() => {
    let current = true;
    setLookup({ state: 'loading' });
    api.getRoom(roomId).then(
      (room) => current && setLookup({ state: 'found', room }),
      (error: unknown) => {
        if (!current) return;
        // A malformed id is as unknown as a well-formed one nobody created.
        const missing =
          error instanceof TandemApiError &&
          (error.code === 'ROOM_NOT_FOUND' || error.status === 404 || error.status === 400);
        setLookup(
          missing ? { state: 'missing' } : { state: 'failed', message: describeApiError(error) },
        );
      },
    );
    return () => {
      current = false;
    };
  }, [roomId, attempt]);

  const retry = useCallback(() => setAttempt((n) => n + 1), []);
  return { lookup, retry };
}
