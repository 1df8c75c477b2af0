/**
 * SQL helpers shared by the store's tables: room locks that keep each room's
 * log and timeline in commit order, timeline inserts, chunked inserts.
 */
import type { Transaction } from 'kysely';
import type { Database } from './db.js';
import type { TimelineEntry } from './store.js';

/** Thrown when a write names a room that does not exist; nothing of that write is stored. */
export class UnknownRoomError extends Error {
  override name = 'UnknownRoomError';
  constructor(readonly roomIds: readonly string[]) {
    super(`Unknown room${roomIds.length > 1 ? 's' : ''}: ${roomIds.join(', ')}`);
  }
}

/** Rows per INSERT: PostgreSQL allows 65,535 parameters per statement, we use at most 5 a row. */
export const MAX_ROWS_PER_INSERT = 10_000;

export function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** Locks the rooms' rows until the transaction ends; throws UnknownRoomError if any is missing. */
export async function lockRooms(
  trx: Transaction<Database>,
  roomIds: Iterable<string>,
): Promise<void> {
  const ids = [...new Set(roomIds)];
  const rows = await trx
    .selectFrom('rooms')
    .select('id')
    .where('id', 'in', ids)
    .orderBy('id')
    .forNoKeyUpdate()
    .execute();
  if (rows.length !== ids.length) {
    const found = new Set(rows.map((r) => r.id));
    throw new UnknownRoomError(ids.filter((id) => !found.has(id)));
  }
}

export async function insertTimeline(
  trx: Transaction<Database>,
  entries: readonly TimelineEntry[],
): Promise<void> {
  for (const chunk of chunks(entries, MAX_ROWS_PER_INSERT)) {
    await trx
      .insertInto('room_events')
      .values(
        chunk.map((e) => ({
          room_id: e.roomId,
          type: e.type,
          actor: e.actor,
          payload: JSON.stringify(e.payload),
          at: e.at,
        })),
      )
      .execute();
  }
}
