/**
 * Client of the floor relay: a Y.Doc and an Awareness whose updates go out as
 * raw frames (first byte 0 = document update V1, 1 = awareness), and frames
 * from others are applied. Same client work as the Yjs providers, no protocol.
 */
import WebSocket from 'ws';
import * as Y from 'yjs';
import { Awareness, applyAwarenessUpdate, encodeAwarenessUpdate } from 'y-protocols/awareness';
import { TEXT_KEY } from '../trace.js';
import { deferred, type BenchConn, type SystemClient } from './types.js';

const DOC = 0;
const AWARENESS = 1;
const REMOTE = Symbol('remote');

function frame(kind: number, payload: Uint8Array): Uint8Array {
  const out = new Uint8Array(payload.byteLength + 1);
  out[0] = kind;
  out.set(payload, 1);
  return out;
}

export function rawWsClient(url: string): SystemClient {
  const wsUrl = url.replace(/^http/, 'ws');
  return {
    prepareRoom: async (name) => name,
    connect(roomId) {
      const doc = new Y.Doc();
      const awareness = new Awareness(doc);
      const socket = new WebSocket(`${wsUrl}/${encodeURIComponent(roomId)}`);
      const synced = deferred();
      socket.on('open', () => synced.resolve());
      socket.on('error', (err) => synced.reject(err));
      doc.on('update', (update: Uint8Array, origin: unknown) => {
        if (origin !== REMOTE && socket.readyState === WebSocket.OPEN)
          socket.send(frame(DOC, update));
      });
      awareness.on(
        'update',
        ({ added, updated, removed }: Record<string, number[]>, origin: unknown) => {
          if (origin === REMOTE || socket.readyState !== WebSocket.OPEN) return;
          socket.send(
            frame(
              AWARENESS,
              encodeAwarenessUpdate(awareness, [...added!, ...updated!, ...removed!]),
            ),
          );
        },
      );
      socket.on('message', (data: Buffer) => {
        const payload = new Uint8Array(data.buffer, data.byteOffset + 1, data.byteLength - 1);
        if (data[0] === DOC) Y.applyUpdate(doc, payload, REMOTE);
        else applyAwarenessUpdate(awareness, payload, REMOTE);
      });
      return {
        doc,
        text: doc.getText(TEXT_KEY),
        awareness,
        synced: synced.promise,
        saved: async () => {},
        connected: () => socket.readyState === WebSocket.OPEN,
        destroy: () => {
          awareness.destroy();
          socket.close();
          doc.destroy();
        },
      } satisfies BenchConn;
    },
  };
}
