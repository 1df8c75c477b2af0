/** `@hocuspocus/provider`, one websocket per provider, on the `ws` package. */
import WebSocket from 'ws';
import * as Y from 'yjs';
import { HocuspocusProvider, HocuspocusProviderWebsocket } from '@hocuspocus/provider';
import type { Awareness } from 'y-protocols/awareness';
import { TEXT_KEY } from '../trace.js';
import { deferred, type BenchConn, type SystemClient } from './types.js';

export function hocuspocusClient(url: string): SystemClient {
  const wsUrl = url.replace(/^http/, 'ws');
  return {
    prepareRoom: async (name) => name,
    connect(roomId) {
      const doc = new Y.Doc();
      const socket = new HocuspocusProviderWebsocket({ url: wsUrl, WebSocketPolyfill: WebSocket });
      const synced = deferred();
      const provider = new HocuspocusProvider({
        websocketProvider: socket,
        name: roomId,
        document: doc,
        onSynced: () => synced.resolve(),
      });
      provider.attach();
      const conn: BenchConn = {
        doc,
        text: doc.getText(TEXT_KEY),
        awareness: provider.awareness as Awareness,
        synced: synced.promise,
        saved: () =>
          new Promise<void>((resolve) => {
            // Hocuspocus acknowledges each update (SyncStatus); wait for none outstanding.
            const check = () => {
              if (!provider.hasUnsyncedChanges) {
                provider.off('unsyncedChanges', check);
                resolve();
              }
            };
            provider.on('unsyncedChanges', check);
            check();
          }),
        connected: () => String(socket.status) === 'connected',
        destroy: () => {
          provider.destroy();
          socket.destroy();
          doc.destroy();
        },
      };
      return conn;
    },
  };
}
