/**
 * The `Store` on Kysely: the same SQL on PGlite and on PostgreSQL.
 *
 * Ordering: every write that appends to a room's log or timeline first locks
 * that room's row (`for no key update`, in id order so batches never deadlock).
 * Sequence numbers are drawn while the lock is held, so within one room `seq`
 * (and the timeline `id`) increase in commit order even with many nodes
 * writing: a reader that has seen seq N has seen everything of that room below
 * N. Compaction and replay rely on this.
 */
import { sql, type Kysely } from 'kysely';
import type {
  LoadedDoc,
  RoomPatch,
  RoomWithKind,
  Store,
  StoredRoom,
  StoredTimelineEntry,
  StoredUpdate,
  TimelineEntry,
  UpdateRecord,
} from './store.js';
import { toBytes, toNumber, type Database } from './db.js';
import {
  MAX_ROWS_PER_INSERT,
  UnknownRoomError,
  chunks,
  insertTimeline,
  lockRooms,
} from './sql-helpers.js';
import { precompile } from './precompiled.js';
export { UnknownRoomError } from './sql-helpers.js';
import type { SentLog } from '@tandem/jobs';
import { SqlJobStore } from './job-store.js';
import { SqlRunStore } from './run-store.js';
import { SqlSentLog } from './sent-mail-store.js';
import type { InterviewStore, JobStore, RunStore } from './store.js';
import { SqlAccountStore } from './account-store.js';
import type { AccountStore } from './account-types.js';
import { SqlInterviewStore } from './interview-store.js';
import { SqlIdentityStore, SqlProfileFileStore } from './profile-store.js';
import type { IdentityStore, ProfileFileStore } from './profile-types.js';

const ROOM_COLUMNS = ['id', 'title', 'language', 'created_at'] as const;

function toRoom(row: Pick<Database['rooms'], 'id' | 'title' | 'language'> & { created_at: Date }) {
  const room: StoredRoom = {
    id: row.id,
    title: row.title,
    language: row.language,
    createdAt: row.created_at,
  };
  return room;
}

export class SqlStore implements Store {
  readonly #db: Kysely<Database>;
  #closing: Promise<void> | undefined;
  readonly runs: RunStore;
  readonly jobs: JobStore;
  readonly sentMail: SentLog;
  readonly accounts: AccountStore;
  readonly interviews: InterviewStore;
  readonly identities: IdentityStore;
  readonly profileFiles: ProfileFileStore;
  /** What `GET /api/rooms/:id` reads: one of the hottest queries, so compiled once. */
  readonly #roomWithKind;

  /** Takes ownership of `db`: `close()` destroys it. Migrations must already be applied. */
  constructor(db: Kysely<Database>) {
    this.#db = db;
    this.runs = new SqlRunStore(db);
    this.jobs = new SqlJobStore(db);
    this.sentMail = new SqlSentLog(db);
    this.accounts = new SqlAccountStore(db);
    this.interviews = new SqlInterviewStore(db);
    this.identities = new SqlIdentityStore(db);
    this.profileFiles = new SqlProfileFileStore(db);
    this.#roomWithKind = precompile(db, (id: string) =>
      db
        .selectFrom('rooms')
        .leftJoin('interviews', 'interviews.room_id', 'rooms.id')
        .select(['rooms.id', 'rooms.title', 'rooms.language', 'rooms.created_at'])
        .select((eb) => eb('interviews.room_id', 'is not', null).as('is_interview'))
        .where('rooms.id', '=', id),
    );
  }

  async createRoom(
    room: Pick<StoredRoom, 'id' | 'title' | 'language'>,
    actor: string | null,
  ): Promise<StoredRoom> {
    return this.#db.transaction().execute(async (trx) => {
      const row = await trx
        .insertInto('rooms')
        .values({ id: room.id, title: room.title, language: room.language })
        .returning(ROOM_COLUMNS)
        .executeTakeFirstOrThrow();
      await insertTimeline(trx, [
        {
          roomId: row.id,
          type: 'room.created',
          actor,
          payload: { title: row.title, language: row.language },
          at: row.created_at,
        },
      ]);
      return toRoom(row);
    });
  }

  async getRoom(id: string): Promise<StoredRoom | null> {
    const row = await this.#db
      .selectFrom('rooms')
      .select(ROOM_COLUMNS)
      .where('id', '=', id)
      .executeTakeFirst();
    return row === undefined ? null : toRoom(row);
  }

  async getRoomWithKind(id: string): Promise<RoomWithKind | null> {
    const [row] = await this.#roomWithKind(id);
    if (row === undefined) return null;
    return { room: toRoom(row), kind: row.is_interview ? 'interview' : 'scratch' };
  }

  async updateRoom(
    id: string,
    patch: RoomPatch,
    entry: Omit<TimelineEntry, 'roomId'>,
  ): Promise<StoredRoom | null> {
    return this.#db.transaction().execute(async (trx) => {
      const row = await trx
        .updateTable('rooms')
        .set({
          ...(patch.title !== undefined && { title: patch.title }),
          ...(patch.language !== undefined && { language: patch.language }),
          updated_at: sql<Date>`now()`,
        })
        .where('id', '=', id)
        .returning(ROOM_COLUMNS)
        .executeTakeFirst();
      if (row === undefined) return null;
      await insertTimeline(trx, [{ ...entry, roomId: id }]);
      return toRoom(row);
    });
  }

  async appendUpdates(records: readonly UpdateRecord[]): Promise<void> {
    if (records.length === 0) return;
    if (records.length <= MAX_ROWS_PER_INSERT) return this.#appendInOneStatement(records);
    await this.#db.transaction().execute(async (trx) => {
      await lockRooms(
        trx,
        records.map((r) => r.roomId),
      );
      for (const chunk of chunks(records, MAX_ROWS_PER_INSERT)) {
        await trx
          .insertInto('doc_updates')
          .values(
            chunk.map((r) => ({ room_id: r.roomId, author: r.author, at: r.at, update: r.update })),
          )
          .execute();
      }
    });
  }

  /**
   * A batch's commit in one round trip, one statement (its own transaction):
   * the rooms' rows are locked first (the one-time filter runs before any row
   * is produced, so every `seq` is drawn under the locks), and the rows go in
   * only if every room exists. The transaction above takes four round trips
   * (begin, lock, insert, commit); commits are most of a node's queries.
   */
  async #appendInOneStatement(records: readonly UpdateRecord[]): Promise<void> {
    const ids = [...new Set(records.map((r) => r.roomId))];
    const rows = sql.join(
      records.map((r) => sql`(${r.roomId}, ${r.author}, ${r.at}::timestamptz, ${r.update}::bytea)`),
    );
    const { rows: inserted } = await sql`
      with locked as (
        select id from rooms where id in (${sql.join(ids)}) order by id for no key update
      )
      insert into doc_updates (room_id, author, at, update)
      select v.room_id, v.author, v.at, v.update
      from (values ${rows}) as v (room_id, author, at, update)
      where (select count(*) from locked) = ${ids.length}
      returning 1`.execute(this.#db);
    // Counted from the rows: PGlite reports no affected rows for a statement that starts with `with`.
    if (inserted.length === records.length) return;
    const found = await this.#db.selectFrom('rooms').select('id').where('id', 'in', ids).execute();
    const known = new Set(found.map((r) => r.id));
    throw new UnknownRoomError(ids.filter((id) => !known.has(id)));
  }

  async loadDoc(roomId: string): Promise<LoadedDoc> {
    const snapshot = await this.#db
      .selectFrom('doc_snapshots')
      .select(['seq', 'state'])
      .where('room_id', '=', roomId)
      .executeTakeFirst();
    const snapshotSeq = snapshot === undefined ? 0 : toNumber(snapshot.seq);
    const rows = await this.#db
      .selectFrom('doc_updates')
      .select(['seq', 'update'])
      .where('room_id', '=', roomId)
      .where('seq', '>', snapshotSeq)
      .orderBy('seq')
      .execute();
    const last = rows.at(-1);
    return {
      snapshot: snapshot === undefined ? null : toBytes(snapshot.state),
      snapshotSeq,
      updates: rows.map((r) => toBytes(r.update)),
      // writeSnapshot never accepts a seq beyond the log, so with no later
      // update the snapshot's seq is the last one.
      lastSeq: last === undefined ? snapshotSeq : toNumber(last.seq),
    };
  }

  /**
   * Also rejects (RangeError) an `upToSeq` beyond the room's log: such a
   * snapshot would hide the updates that later take those seq numbers.
   */
  async writeSnapshot(roomId: string, upToSeq: number, state: Uint8Array): Promise<void> {
    if (!Number.isSafeInteger(upToSeq) || upToSeq < 0) {
      throw new RangeError(`Snapshot seq must be a whole number >= 0, got ${upToSeq}`);
    }
    await this.#db.transaction().execute(async (trx) => {
      const { last } = await trx
        .selectFrom('doc_updates')
        .select((eb) => eb.fn.max('seq').as('last'))
        .where('room_id', '=', roomId)
        .executeTakeFirstOrThrow();
      const lastSeq = last === null ? 0 : toNumber(last);
      if (upToSeq > lastSeq) {
        throw new RangeError(
          `Snapshot seq ${upToSeq} is beyond the log of room ${roomId} (last seq ${lastSeq})`,
        );
      }
      await trx
        .insertInto('doc_snapshots')
        .values({ room_id: roomId, seq: upToSeq, state, updated_at: sql<Date>`now()` })
        .onConflict((oc) =>
          oc
            .column('room_id')
            .doUpdateSet((eb) => ({
              seq: eb.ref('excluded.seq'),
              state: eb.ref('excluded.state'),
              updated_at: eb.ref('excluded.updated_at'),
            }))
            .whereRef('doc_snapshots.seq', '<', 'excluded.seq'),
        )
        .execute();
    });
  }

  async readUpdates(roomId: string, afterSeq: number, limit: number): Promise<StoredUpdate[]> {
    const rows = await this.#db
      .selectFrom('doc_updates')
      .select(['seq', 'room_id', 'author', 'at', 'update'])
      .where('room_id', '=', roomId)
      .where('seq', '>', afterSeq)
      .orderBy('seq')
      .limit(limit)
      .execute();
    return rows.map((r) => ({
      seq: toNumber(r.seq),
      roomId: r.room_id,
      author: r.author,
      at: r.at,
      update: toBytes(r.update),
    }));
  }

  async readUpdatesOfRooms(
    after: ReadonlyMap<string, number>,
    limitPerRoom: number,
  ): Promise<Map<string, StoredUpdate[]>> {
    const found = new Map<string, StoredUpdate[]>();
    if (after.size === 0) return found;
    // The cursors travel as one JSON parameter, so the statement stays the same for any number of rooms.
    const cursors = JSON.stringify([...after].map(([room_id, seq]) => ({ room_id, seq })));
    const { rows } = await sql<{
      room_id: string;
      seq: string | number;
      author: string;
      at: Date;
      update: Uint8Array;
    }>`
      select c.room_id, u.seq, u.author, u.at, u.update
      from jsonb_to_recordset(${cursors}::jsonb) as c(room_id text, seq bigint)
      cross join lateral (
        select d.seq, d.author, d.at, d.update from doc_updates d
        where d.room_id = c.room_id and d.seq > c.seq
        order by d.seq
        limit ${limitPerRoom}
      ) u
      order by c.room_id, u.seq
    `.execute(this.#db);
    for (const r of rows) {
      let updates = found.get(r.room_id);
      if (!updates) found.set(r.room_id, (updates = []));
      updates.push({
        seq: toNumber(r.seq),
        roomId: r.room_id,
        author: r.author,
        at: r.at,
        update: toBytes(r.update),
      });
    }
    return found;
  }

  async appendTimeline(entries: readonly TimelineEntry[]): Promise<void> {
    if (entries.length === 0) return;
    await this.#db.transaction().execute(async (trx) => {
      await lockRooms(
        trx,
        entries.map((e) => e.roomId),
      );
      await insertTimeline(trx, entries);
    });
  }

  async readTimeline(
    roomId: string,
    afterId: number,
    limit: number,
  ): Promise<StoredTimelineEntry[]> {
    const rows = await this.#db
      .selectFrom('room_events')
      .select(['id', 'room_id', 'type', 'actor', 'payload', 'at'])
      .where('room_id', '=', roomId)
      .where('id', '>', afterId)
      .orderBy('id')
      .limit(limit)
      .execute();
    return rows.map((r) => ({
      id: toNumber(r.id),
      roomId: r.room_id,
      type: r.type,
      actor: r.actor,
      payload: r.payload,
      at: r.at,
    }));
  }

  async ping(): Promise<void> {
    await sql`select 1`.execute(this.#db);
  }

  /** Idempotent; waits for the transaction in progress, then releases the driver. */
  close(): Promise<void> {
    this.#closing ??= this.#db.destroy();
    return this.#closing;
  }
}
