// The floor: a `ws` relay that forwards every message, unparsed, to the other
// sockets of the same room (the URL path). No document, no persistence: the
// least work any collaboration server can do per message.
import { createServer } from 'node:http';
import { WebSocketServer } from 'ws';

/** @type {Map<string, Set<import('ws').WebSocket>>} */
const rooms = new Map();
const server = createServer((_req, res) => res.writeHead(200).end('ok'));
const wss = new WebSocketServer({ server });

wss.on('connection', (socket, req) => {
  const name = req.url ?? '/';
  let room = rooms.get(name);
  if (!room) rooms.set(name, (room = new Set()));
  room.add(socket);
  socket.on('message', (data, isBinary) => {
    for (const other of room) if (other !== socket) other.send(data, { binary: isBinary });
  });
  socket.on('close', () => {
    room.delete(socket);
    if (room.size === 0) rooms.delete(name);
  });
});

server.listen(0, '127.0.0.1', () => process.send?.({ port: server.address().port }));
process.on('SIGTERM', () => process.exit(0));
process.on('disconnect', () => process.exit(0));
