/**
 * Idle connections: rooms of 4 clients that connect, sync, and then only
 * keep their connection alive (each system's own heartbeats, awareness
 * renewals and, for ours, the SDK's periodic state-vector check). Used to
 * count how many clients a node holds and what each costs it in memory.
 */
import type { BenchConn, SystemClient } from '../clients/types.js';

export interface IdleOptions {
  /** Names rooms uniquely across load generators. */
  tag: string;
  rooms: number;
  clientsPerRoom: number;
  /** Connections being opened at once. */
  concurrency: number;
  /** Per connection, from creation to synced. */
  timeoutMs: number;
}

export interface IdleConnectResult {
  synced: number;
  failed: number;
  firstError?: string;
  ms: number;
}

let roomIds: string[] = [];
let conns: BenchConn[] = [];

/** Creates the rooms (ours: over REST), so their cost is not counted as the connections'. */
export async function prepareIdle(client: SystemClient, opts: IdleOptions): Promise<number> {
  roomIds = [];
  for (let i = 0; i < opts.rooms; i += 20) {
    const batch = Array.from({ length: Math.min(20, opts.rooms - i) }, (_, k) =>
      client.prepareRoom(`idle-${opts.tag}-${i + k}`),
    );
    roomIds.push(...(await Promise.all(batch)));
  }
  return roomIds.length;
}

async function synced(conn: BenchConn, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      conn.synced,
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`not synced after ${ms} ms`)), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/** Connects every client of every prepared room, `concurrency` at a time. */
export async function connectIdle(
  client: SystemClient,
  opts: IdleOptions,
): Promise<IdleConnectResult> {
  const start = performance.now();
  const slots = roomIds.flatMap((id) =>
    Array.from({ length: opts.clientsPerRoom }, (_, c) => ({ id, c })),
  );
  let next = 0;
  let failed = 0;
  let firstError: string | undefined;
  const worker = async () => {
    while (next < slots.length) {
      const { id, c } = slots[next++]!;
      const conn = client.connect(id, `idle-${c}`);
      try {
        await synced(conn, opts.timeoutMs);
        conns.push(conn);
      } catch (err) {
        failed++;
        firstError ??= err instanceof Error ? err.message : String(err);
        conn.destroy();
      }
    }
  };
  await Promise.all(Array.from({ length: opts.concurrency }, worker));
  return {
    synced: conns.length,
    failed,
    ...(firstError ? { firstError } : {}),
    ms: performance.now() - start,
  };
}

/** How many of the synced clients are connected right now. */
export function countIdle(): { open: number; total: number } {
  return { open: conns.filter((c) => c.connected()).length, total: conns.length };
}

export function releaseIdle(): void {
  for (const c of conns) c.destroy();
  conns = [];
  roomIds = [];
}
