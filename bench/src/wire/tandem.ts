/**
 * Tandem's protocol over socket.io-client, without the SDK's document: each
 * update is one `doc:update` event, acknowledged once durably committed.
 */
import { io, type Socket } from 'socket.io-client';
import * as Y from 'yjs';
import {
  PROTOCOL_VERSION,
  SOCKET_PATH,
  type ClientToServerEvents,
  type ServerToClientEvents,
} from '@tandem/protocol';
import { TEXT_KEY } from '../trace.js';
import type { JoinBytes, PushResult, WireClient } from './types.js';
import { sendAll, WireCounter } from './types.js';

type ClientSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

const EMPTY_SV = Y.encodeStateVector(new Y.Doc());

function open(url: string, roomId: string, counter?: WireCounter): Promise<ClientSocket> {
  const socket: ClientSocket = io(url, {
    path: SOCKET_PATH,
    transports: ['websocket'],
    reconnection: false,
    forceNew: true,
    auth: { v: PROTOCOL_VERSION, roomId, name: 'bench-wire' },
    // Passed through to `ws`; the option is mistyped as string | boolean.
    ...(counter === undefined ? {} : { agent: counter as unknown as string }),
  });
  return new Promise((resolve, reject) => {
    socket.once('connect', () => resolve(socket));
    socket.once('connect_error', (err) => reject(err));
  });
}

function syncStep1(socket: ClientSocket): Promise<Uint8Array> {
  return new Promise((resolve, reject) =>
    socket.emit('sync:step1', EMPTY_SV, (reply) =>
      reply.ok
        ? resolve(new Uint8Array(reply.update))
        : reject(new Error(`${reply.code}: ${reply.message}`)),
    ),
  );
}

export function tandemWire(url: string): WireClient {
  return {
    async prepareRoom(name) {
      const res = await fetch(`${url}/api/rooms`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ title: name, language: 'python' }),
      });
      if (res.status !== 201)
        throw new Error(`POST /api/rooms answered ${res.status}: ${await res.text()}`);
      return ((await res.json()) as { id: string }).id;
    },
    async push(roomId, updates, expectedText): Promise<PushResult> {
      const socket = await open(url, roomId);
      let acked = 0;
      let failed = '';
      let allAcked: () => void = () => {};
      const done = new Promise<void>((r) => (allAcked = r));
      const start = performance.now();
      await sendAll(updates, (u) =>
        socket.emit('doc:update', u, (reply) => {
          if (reply.ok) acked++;
          else failed ||= `${reply.code}: ${reply.message}`;
          if (acked === updates.length || failed) allAcked();
        }),
      );
      await done;
      const ms = performance.now() - start;
      if (failed) throw new Error(`update refused: ${failed}`);
      const doc = new Y.Doc();
      Y.applyUpdateV2(doc, await syncStep1(socket));
      socket.disconnect();
      return { ms, acked, verified: doc.getText(TEXT_KEY).toString() === expectedText };
    },
    async joinBytes(roomId): Promise<JoinBytes> {
      const counter = new WireCounter();
      const start = performance.now();
      const socket = await open(url, roomId, counter);
      const state = await syncStep1(socket);
      const ms = performance.now() - start;
      const totalBytes = counter.bytesRead;
      socket.disconnect();
      return { totalBytes, docBytes: state.byteLength, ms };
    },
  };
}
