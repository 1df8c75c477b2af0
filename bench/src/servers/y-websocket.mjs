// The y-websocket@1.5.4 reference server: its own `setupWSConnection` on a `ws`
// server. Run as a child process by the bench; reports its port over IPC.
// With PERSIST_DIR set, each room is kept as a V1 state file, loaded
// synchronously on first use and written when the room empties (when
// y-websocket unloads it), so a restarted server answers joins from disk.
import { createRequire } from 'node:module';
import { createServer } from 'node:http';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { WebSocketServer } from 'ws';

const require = createRequire(import.meta.url);
// y-websocket's utils are CommonJS; take yjs from the same module system.
const Y = require('yjs');
const utils = require('y-websocket/bin/utils');

const persistDir = process.env.PERSIST_DIR;
if (persistDir) {
  const file = (name) => join(persistDir, `${encodeURIComponent(name)}.ywebsocket.bin`);
  utils.setPersistence({
    provider: null,
    bindState: async (name, doc) => {
      if (existsSync(file(name))) Y.applyUpdate(doc, readFileSync(file(name)));
    },
    writeState: async (name, doc) => {
      writeFileSync(file(name), Y.encodeStateAsUpdate(doc));
    },
  });
}

const server = createServer((_req, res) => res.writeHead(200).end('ok'));
const wss = new WebSocketServer({ server });
wss.on('connection', (conn, req) => utils.setupWSConnection(conn, req));
server.listen(0, '127.0.0.1', () => process.send?.({ port: server.address().port }));
process.on('SIGTERM', () => process.exit(0));
process.on('disconnect', () => process.exit(0));
