/** Shared values and helpers of the store contract suites. */
import { randomUUID } from 'node:crypto';
import type { Store, UpdateRecord } from './store.js';

/** What the contract's parts get from `storeContract`: the store under test, once opened. */
export interface ContractContext {
  store: () => Store;
  /** Creates a room with a fresh id and returns the id. */
  newRoom: () => Promise<string>;
}

export const T0 = new Date('2024-05-01T10:00:00.123Z');
export const bytes = (...values: number[]) => new Uint8Array(values);
export const roomId = () => `room-${randomUUID()}`;

/** Update `n` of a room: distinct bytes and a time of T0 + n ms, so order is checkable. */
export const update = (id: string, n: number, author = 'alice'): UpdateRecord => ({
  roomId: id,
  author,
  update: bytes(n & 0xff, (n >> 8) & 0xff, 0),
  at: new Date(T0.getTime() + n),
});
