import { useEffect, useState } from 'react';
import { RoomConnection } from '@tandem/client';
import { session } from '../app/session';
import { lightColor } from '../ui/palette';
import type { Identity } from './identity';

/**
 * Opens the room's connection for as long as the calling component is mounted
 * (and the room or identity stay the same), and announces the user through
 * awareness in the shape y-codemirror.next renders remote cursors with.
 * The handshake carries the signed-in account's access token and, for a
 * candidate, the room's guest pass. Returns null until the connection exists.
 */
export function useRoomConnection(
  roomId: string,
  identity: Identity,
  guestToken: string | null = null,
): RoomConnection | null {
  const [connection, setConnection] = useState<RoomConnection | null>(null);
  const { name, color } = identity;

  useEffect(() => {
    const conn = new RoomConnection({
      url: window.location.origin,
      roomId,
      name,
      color,
      accessToken: session.accessToken,
      ...(guestToken !== null && { guestToken }),
    });
    conn.awareness.setLocalStateField('user', { name, color, colorLight: lightColor(color) });
    setConnection(conn);
    return () => {
      setConnection(null);
      conn.destroy();
    };
  }, [roomId, name, color, guestToken]);

  return connection;
}
