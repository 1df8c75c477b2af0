/** y-websocket@1.5.4's own `WebsocketProvider`, on the `ws` package (Node 20 has no global WebSocket). */
import WebSocket from 'ws';
import * as Y from 'yjs';
import { WebsocketProvider } from 'y-websocket';
import { TEXT_KEY } from '../trace.js';
import { deferred, type BenchConn, type SystemClient } from './types.js';

export function yWebsocketClient(url: string): SystemClient {
  const wsUrl = url.replace(/^http/, 'ws');
  return {
    prepareRoom: async (name) => name,
    connect(roomId) {
      const doc = new Y.Doc();
      // disableBc: Node 20 has a global BroadcastChannel, which would let
      // clients in one process sync without the server.
      const provider = new WebsocketProvider(wsUrl, roomId, doc, {
        WebSocketPolyfill: WebSocket as unknown as typeof globalThis.WebSocket,
        disableBc: true,
      });
      const synced = deferred();
      provider.on('sync', (isSynced: boolean) => isSynced && synced.resolve());
      const conn: BenchConn = {
        doc,
        text: doc.getText(TEXT_KEY),
        awareness: provider.awareness,
        synced: synced.promise,
        // y-websocket never acknowledges updates: the caller verifies by reading back.
        saved: async () => {},
        connected: () => provider.wsconnected,
        destroy: () => {
          provider.destroy();
          doc.destroy();
        },
      };
      return conn;
    },
  };
}
