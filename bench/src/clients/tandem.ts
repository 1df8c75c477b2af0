/**
 * Our SDK, `@tandem/client`, loaded at run time: the bench must type-check and
 * run the peers while the SDK is still being written, and report ours as
 * unavailable (with the reason) instead of failing to start.
 */
import type * as Y from 'yjs';
import type { Awareness } from 'y-protocols/awareness';
import type { BenchConn, SystemClient } from './types.js';

/** The part of the SDK the bench uses. */
interface TandemClientModule {
  TandemApi: new (url: string) => {
    createRoom(body: { title: string; language: string }): Promise<{ id: string }>;
  };
  RoomConnection: new (opts: { url: string; roomId: string; name: string }) => {
    doc: Y.Doc;
    text: Y.Text;
    awareness: Awareness;
    whenSynced(): Promise<void>;
    whenSaved(): Promise<void>;
    status: string;
    destroy(): void;
  };
}

const SDK = '@tandem/client';

export async function loadTandemSdk(): Promise<TandemClientModule> {
  const mod = (await import(SDK)) as Partial<TandemClientModule>;
  if (typeof mod.TandemApi !== 'function' || typeof mod.RoomConnection !== 'function') {
    throw new Error(`${SDK} does not export TandemApi and RoomConnection yet`);
  }
  return mod as TandemClientModule;
}

export async function tandemClient(url: string): Promise<SystemClient> {
  const sdk = await loadTandemSdk();
  const api = new sdk.TandemApi(url);
  return {
    prepareRoom: async (name) => (await api.createRoom({ title: name, language: 'python' })).id,
    connect(roomId, name) {
      const conn = new sdk.RoomConnection({ url, roomId, name });
      return {
        doc: conn.doc,
        text: conn.text,
        awareness: conn.awareness,
        synced: conn.whenSynced(),
        saved: () => conn.whenSaved(),
        connected: () => conn.status === 'connected',
        destroy: () => conn.destroy(),
      } satisfies BenchConn;
    },
  };
}
