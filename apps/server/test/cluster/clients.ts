import { RoomConnection } from '@tandem/client';

/**
 * Room clients for cluster tests, WebSocket only (or the `transports` given),
 * optionally from a loopback
 * address of their own (nginx pins a socket to a node by client address, so
 * distinct addresses spread clients). By default they reconnect quickly and
 * resync every second; `{ sdkDefaults: true }` keeps the SDK's own reconnect
 * backoff and resync interval, what a real browser gets. `destroyAll` after
 * each test.
 */
export class TestClients {
  readonly #open: RoomConnection[] = [];

  constructor(
    private readonly options: {
      sdkDefaults?: boolean;
      transports?: ('websocket' | 'polling')[];
    } = {},
  ) {}

  connect = (url: string, roomId: string, name: string, from?: string): RoomConnection => {
    const conn = new RoomConnection({
      url,
      roomId,
      name,
      ...(this.options.sdkDefaults ? {} : { resyncIntervalMs: 1_000 }),
      socket: {
        transports: this.options.transports ?? ['websocket'],
        ...(this.options.sdkDefaults ? {} : { reconnectionDelay: 100, reconnectionDelayMax: 500 }),
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
