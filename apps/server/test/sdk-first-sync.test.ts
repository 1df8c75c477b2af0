/**
 * The SDK against a scripted Socket.IO server that leaves the first
 * `sync:step1` unanswered, as a server too busy to answer within the ack
 * timeout does during a connect storm.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { Server } from 'socket.io';
import * as Y from 'yjs';
import { SOCKET_PATH } from '@tandem/protocol';
import { RoomConnection } from '@tandem/client';
import { waitFor } from './harness.js';

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
});

async function busyServer(): Promise<{ url: string; syncs: () => number }> {
  const http = createServer();
  const io = new Server(http, { path: SOCKET_PATH });
  const doc = new Y.Doc();
  doc.getText('code').insert(0, 'hello');
  let syncs = 0;
  io.on('connection', (socket) => {
    socket.emit('session:welcome', {
      self: { sessionId: 's', name: 'Ada', color: '#000', role: 'scratch', participantId: null },
      room: { id: 'r', title: 'Busy', language: 'python' },
      interview: null,
    });
    socket.on('sync:step1', (sv: Uint8Array, ack: (reply: unknown) => void) => {
      if (++syncs === 1) return; // too busy this time
      ack({ ok: true, update: Y.encodeStateAsUpdateV2(doc, sv), sv: Y.encodeStateVector(doc) });
    });
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  closers.push(async () => {
    await io.close();
  });
  const { port } = http.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, syncs: () => syncs };
}

describe('the first sync of a connection', () => {
  it('is asked again when its answer does not come in time', async () => {
    const server = await busyServer();
    const conn = new RoomConnection({
      url: server.url,
      roomId: 'r',
      name: 'Ada',
      ackTimeoutMs: 300,
      resyncIntervalMs: 0,
    });
    closers.unshift(async () => conn.destroy());
    await waitFor(() => conn.status === 'connected', 'the connection to sync after a second try');
    expect(conn.text.toString()).toBe('hello');
    expect(server.syncs()).toBe(2);
  });
});
