import type * as Y from 'yjs';
import type { Awareness } from 'y-protocols/awareness';

/** One editor connected to one room of one system, as the workloads see it. */
export interface BenchConn {
  doc: Y.Doc;
  /** The shared code buffer. */
  text: Y.Text;
  awareness: Awareness;
  /** Resolves once the initial sync with the server is done. */
  synced: Promise<void>;
  /** Resolves once the server holds every local edit (acknowledged where the system acknowledges). */
  saved(): Promise<void>;
  /** The transport is open right now (for idle connection counts). */
  connected(): boolean;
  destroy(): void;
}

/** How a workload reaches one system: make a room, connect editors to it. */
export interface SystemClient {
  /** Returns the id to connect to: ours creates the room over REST; peers use the name as is. */
  prepareRoom(name: string): Promise<string>;
  connect(roomId: string, name: string): BenchConn;
}

/** A promise with its resolver outside, for events that fire once. */
export function deferred<T = void>(): {
  promise: Promise<T>;
  resolve: (v: T) => void;
  reject: (e: unknown) => void;
} {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}
