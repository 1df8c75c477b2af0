import { useEffect, useState } from 'react';
import { RoomConnection } from '@tandem/client';
import { session } from '../app/session';
import { lightColor } from '../ui/palette';
import type { Identity } from './identity';

/**
 * Opens the room's connection for as long as the calling component is mounted
 * (and the room or identity stay the same), and announces the user through
 * awareness in the shape y-codemirror.next renders remote cursors with.
 * Returns null until the connection exists.
 */
export function useRoomConnection(roomId: string, identity: Identity): RoomConnection | null {
  const [connection, setConnection] = useState<RoomConnection | null>(null);
  const { name, color } = identity;

  useEffect(() => {
    const conn = new RoomConnection({
      url: window.location.origin,
      roomId,
      name,
      color,
      // Signed in: the handshake carries the account (read again at every reconnect).
      accessToken: session.accessToken,
    });
    conn.awareness.setLocalStateField('user', { name, color, colorLight: lightColor(color) });
    setConnection(conn);
    return () => {
      setConnection(null);
      conn.destroy();
    };
  }, [roomId, name, color]);

  return connection;
}
