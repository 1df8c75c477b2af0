/**
 * Protocol-level clients: they speak each system's wire format directly, with
 * no client document, so replay and join-size figures measure the server
 * alone.
 */
import http from 'node:http';
import net from 'node:net';
import type stream from 'node:stream';

export interface PushResult {
  /** From the first update sent to the server having applied (and acknowledged) the last. */
  ms: number;
  /** Updates the server acknowledged (y-websocket has no acknowledgements: 0). */
  acked: number;
  /** The server's document, fetched afterwards, equals the expected text. */
  verified: boolean;
}

export interface JoinBytes {
  /**
   * Every byte the joining client read from its TCP socket until it held the
   * document: HTTP upgrade response, WebSocket and protocol framing, after any
   * per-message compression the server applied.
   */
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

/**
 * An HTTP agent that keeps the sockets it opens, so a client can tell how many
 * bytes reached it on the wire. `ws` and socket.io-client both accept an agent,
 * so every system's join is counted the same way.
 */
export class WireCounter extends http.Agent {
  readonly #sockets: stream.Duplex[] = [];

  override createConnection(
    options: http.ClientRequestArgs,
    callback?: (err: Error | null, stream: stream.Duplex) => void,
  ): stream.Duplex | null | undefined {
    const socket = super.createConnection(options, callback);
    if (socket) this.#sockets.push(socket);
    return socket;
  }

  /** TCP payload bytes received so far on every socket this agent opened. */
  get bytesRead(): number {
    return this.#sockets.reduce((n, s) => n + (s instanceof net.Socket ? s.bytesRead : 0), 0);
  }
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
