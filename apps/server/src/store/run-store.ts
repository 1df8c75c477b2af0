import type { Kysely, Selectable } from 'kysely';
import type { Database, RunsTable } from './db.js';
import { insertTimeline, lockRooms } from './sql-helpers.js';
import type { RunStore, StoredRun } from './store.js';

function toRun(row: Selectable<RunsTable>): StoredRun {
  return {
    id: row.id,
    roomId: row.room_id,
    requestedBy: row.requested_by,
    requestedByName: row.requested_by_name,
    language: row.language,
    problemId: row.problem_id,
    source: row.source,
    stdin: row.stdin,
    status: row.status,
    verdict: row.verdict as StoredRun['verdict'],
    backend: row.backend as StoredRun['backend'],
    outcome: row.outcome as StoredRun['outcome'],
    createdAt: row.created_at,
    finishedAt: row.finished_at,
  };
}

/** Runs on the same Kysely database as the rest of the store. */
export class SqlRunStore implements RunStore {
  constructor(private readonly db: Kysely<Database>) {}

  async create(
    run: Parameters<RunStore['create']>[0],
    startedOn?: 'bubblewrap' | 'wasm',
  ): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      if (run.roomId) await lockRooms(trx, [run.roomId]);
      await trx
        .insertInto('runs')
        .values({
          id: run.id,
          room_id: run.roomId,
          requested_by: run.requestedBy,
          requested_by_name: run.requestedByName,
          language: run.language,
          problem_id: run.problemId,
          source: run.source,
          stdin: run.stdin,
          status: startedOn ? 'running' : 'queued',
          verdict: null,
          backend: startedOn ?? null,
          outcome: null,
          created_at: run.createdAt,
          finished_at: null,
        })
        .execute();
      if (run.roomId) {
        await insertTimeline(trx, [
          {
            roomId: run.roomId,
            type: 'run.requested',
            actor: run.requestedBy,
            payload: {
              runId: run.id,
              language: run.language,
              problemId: run.problemId,
              source: run.source,
              stdin: run.stdin,
            },
            at: run.createdAt,
          },
        ]);
      }
    });
  }

  async markRunning(id: string, backend: 'bubblewrap' | 'wasm'): Promise<void> {
    await this.db
      .updateTable('runs')
      .set({ status: 'running', backend })
      .where('id', '=', id)
      .where('status', '=', 'queued')
      .execute();
  }

  async finish(id: string, result: Parameters<RunStore['finish']>[1]): Promise<StoredRun | null> {
    return this.db.transaction().execute(async (trx) => {
      const row = await trx
        .updateTable('runs')
        .set({
          status: 'finished',
          verdict: result.verdict,
          backend: result.backend,
          outcome: JSON.stringify(result.outcome),
          finished_at: result.finishedAt,
        })
        .where('id', '=', id)
        .where('status', '!=', 'finished')
        .returningAll()
        .executeTakeFirst();
      if (!row) return null;
      if (row.room_id) {
        await lockRooms(trx, [row.room_id]);
        await insertTimeline(trx, [
          {
            roomId: row.room_id,
            type: 'run.finished',
            actor: null,
            payload: {
              runId: id,
              verdict: result.verdict,
              backend: result.backend,
              ...result.outcome,
            },
            at: result.finishedAt,
          },
        ]);
      }
      return toRun(row);
    });
  }

  async get(id: string): Promise<StoredRun | null> {
    const row = await this.db
      .selectFrom('runs')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirst();
    return row ? toRun(row) : null;
  }

  async latestInRoom(roomId: string): Promise<StoredRun | null> {
    const row = await this.db
      .selectFrom('runs')
      .selectAll()
      .where('room_id', '=', roomId)
      .orderBy('created_at', 'desc')
      .limit(1)
      .executeTakeFirst();
    return row ? toRun(row) : null;
  }

  async unfinished(): Promise<StoredRun[]> {
    const rows = await this.db
      .selectFrom('runs')
      .selectAll()
      .where('status', '!=', 'finished')
      .orderBy('created_at')
      .execute();
    return rows.map(toRun);
  }
}
