/**
 * Join: a room holding the trace's final document; new clients connect and
 * are timed until they hold the whole text. A holder client loads the
 * document (one update) and, for warm joins, keeps the room in memory.
 */
import * as Y from 'yjs';
import type { BenchConn, SystemClient } from '../clients/types.js';

let holder: BenchConn | undefined;

async function waitFor(check: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!check()) {
    if (performance.now() > deadline) throw new Error(`${what} not reached within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Joins once and returns the milliseconds until the client holds `expected`. */
async function joinOnce(
  client: SystemClient,
  roomId: string,
  expected: string,
  timeoutMs: number,
): Promise<number> {
  const start = performance.now();
  const conn = client.connect(roomId, 'bench-joiner');
  try {
    await conn.synced;
    // Some providers report "synced" before the document arrived in full.
    await waitFor(() => conn.text.length === expected.length, timeoutMs, 'joined text');
    const ms = performance.now() - start;
    if (conn.text.toString() !== expected) throw new Error('joined text differs from the trace');
    return ms;
  } finally {
    conn.destroy();
  }
}

/** Creates the room and loads the final document through a holder client; returns the room id. */
export async function loadRoom(
  client: SystemClient,
  name: string,
  finalV1: Uint8Array,
  expected: string,
): Promise<string> {
  const roomId = await client.prepareRoom(name);
  holder = client.connect(roomId, 'bench-holder');
  await holder.synced;
  Y.applyUpdate(holder.doc, finalV1);
  await holder.saved();
  // Read back through a second client: systems without acknowledgements are verified this way.
  const deadline = performance.now() + 20_000;
  for (;;) {
    try {
      await joinOnce(client, roomId, expected, 2000);
      return roomId;
    } catch (err) {
      if (performance.now() > deadline) throw err;
    }
  }
}

/** Connects a holder that keeps the room loaded (warm joins). */
export async function holdRoom(client: SystemClient, roomId: string): Promise<void> {
  holder = client.connect(roomId, 'bench-holder');
  await holder.synced;
}

export async function releaseRoom(): Promise<void> {
  if (!holder) return;
  await holder.saved();
  holder.destroy();
  holder = undefined;
}

export async function timeJoins(
  client: SystemClient,
  roomId: string,
  n: number,
  expected: string,
): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < n; i++) times.push(await joinOnce(client, roomId, expected, 30_000));
  return times;
}
