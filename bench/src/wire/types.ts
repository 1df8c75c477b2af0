/**
 * Protocol-level clients: they speak each system's wire format directly, with
 * no client document, so replay and join-size figures measure the server
 * alone.
 */

export interface PushResult {
  /** From the first update sent to the server having applied (and acknowledged) the last. */
  ms: number;
  /** Updates the server acknowledged (y-websocket has no acknowledgements: 0). */
  acked: number;
  /** The server's document, fetched afterwards, equals the expected text. */
  verified: boolean;
}

export interface JoinBytes {
  /** Every byte the server sent until the joining client holds the document. */
  totalBytes: number;
  /** The document payload alone (the sync step 2 update). */
  docBytes: number;
  ms: number;
}

export interface WireClient {
  /** Returns the id to use: ours creates the room over REST; peers use the name as is. */
  prepareRoom(name: string): Promise<string>;
  /** Sends every update as its own message; resolves when the server has applied all. */
  push(roomId: string, updates: Uint8Array[], expectedText: string): Promise<PushResult>;
  /** Joins with an empty state vector and counts what the server sends back. */
  joinBytes(roomId: string): Promise<JoinBytes>;
}

/** Yields to the event loop every `every` items, so acknowledgements are read while sending. */
export async function sendAll(
  updates: Uint8Array[],
  send: (u: Uint8Array) => void,
  every = 1000,
): Promise<void> {
  for (let i = 0; i < updates.length; i++) {
    send(updates[i]!);
    if (i % every === every - 1) await new Promise((r) => setImmediate(r));
  }
}

export function byteLength(data: unknown): number {
  if (typeof data === 'string') return Buffer.byteLength(data);
  if (data instanceof ArrayBuffer) return data.byteLength;
  if (ArrayBuffer.isView(data)) return data.byteLength;
  if (Array.isArray(data)) return data.reduce((n: number, d) => n + byteLength(d), 0);
  return 0;
}
