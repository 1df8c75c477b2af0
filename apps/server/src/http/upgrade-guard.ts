/**
 * A WebSocket opening handshake is a GET (RFC 6455, section 4.1). Engine.IO
 * hands every upgrade on its path to its CORS middleware before checking the
 * method, and that middleware answers an OPTIONS "preflight" on the raw
 * socket by closing it: the client got no answer at all. This listener sits
 * in front of every `upgrade` listener already attached and refuses any other
 * method with the catalogue's 400, naming the problem.
 */
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { errorBody } from '@tandem/protocol';

type UpgradeListener = (req: IncomingMessage, socket: Duplex, head: Buffer) => void;

export function refuseUpgradesThatAreNotGet(server: Server): void {
  const listeners = server.listeners('upgrade') as UpgradeListener[];
  server.removeAllListeners('upgrade');
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    if (req.method === 'GET') {
      for (const listener of listeners) listener.call(server, req, socket, head);
      return;
    }
    const body = JSON.stringify(
      errorBody(
        'VALIDATION_FAILED',
        `A WebSocket upgrade must be a GET request, not ${req.method}.`,
      ),
    );
    socket.on('error', () => {});
    socket.end(
      `HTTP/1.1 400 Bad Request\r\nContent-Type: application/json\r\n` +
        `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
  });
}
