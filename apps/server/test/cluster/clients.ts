import { RoomConnection } from '@tandem/client';

/**
 * Room clients for cluster tests: WebSocket only, quick to reconnect, resyncing
 * every second, optionally from a loopback address of their own (nginx pins a
 * socket to a node by client address, so distinct addresses spread clients).
 * `destroyAll` after each test.
 */
export class TestClients {
  readonly #open: RoomConnection[] = [];

  connect = (url: string, roomId: string, name: string, from?: string): RoomConnection => {
    const conn = new RoomConnection({
      url,
      roomId,
      name,
      resyncIntervalMs: 1_000,
      socket: {
        transports: ['websocket'],
        reconnectionDelay: 100,
        reconnectionDelayMax: 500,
        ...(from ? { localAddress: from } : {}),
      },
    });
    conn.awareness.setLocalStateField('user', { name });
    this.#open.push(conn);
    return conn;
  };

  destroyAll(): void {
    for (const c of this.#open.splice(0)) c.destroy();
  }
}
