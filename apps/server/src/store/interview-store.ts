import type { Kysely, Selectable, Transaction, Updateable } from 'kysely';
import type { Recommendation } from '@tandem/protocol';
import type {
  InterviewParticipantsTable,
  InterviewScorecardsTable,
  InterviewsTable,
  Database,
} from './db.js';
import { toBytes } from './db.js';
import { insertTimeline, lockRooms } from './sql-helpers.js';
import type {
  Change,
  InterviewPatch,
  InterviewStore,
  NewParticipant,
  ParticipantPatch,
  StoredInterview,
  StoredParticipant,
  StoredScorecard,
} from './interview-types.js';
import type { StoredRoom, TimelineEntry } from './store.js';

function toInterview(row: Selectable<InterviewsTable>): StoredInterview {
  return {
    roomId: row.room_id,
    ownerAccountId: row.owner_account_id,
    interviewerKey: row.interviewer_key,
    candidateKey: row.candidate_key,
    problemId: row.problem_id,
    revealedHints: row.revealed_hints.map((h) => ({ index: h.index, at: new Date(h.at) })),
    editorLocked: row.editor_locked,
    runEnabled: row.run_enabled,
    endedAt: row.ended_at,
  };
}

const PARTICIPANT_COLUMNS = [
  'id',
  'room_id',
  'account_id',
  'role',
  'status',
  'name',
  'email',
  'created_at',
] as const;

function toParticipant(
  row: Pick<Selectable<InterviewParticipantsTable>, (typeof PARTICIPANT_COLUMNS)[number]>,
): StoredParticipant {
  return {
    id: row.id,
    roomId: row.room_id,
    accountId: row.account_id,
    role: row.role,
    status: row.status,
    name: row.name,
    email: row.email,
    createdAt: row.created_at,
  };
}

function toScorecard(row: Selectable<InterviewScorecardsTable>): StoredScorecard {
  return {
    roomId: row.room_id,
    participantId: row.participant_id,
    ratings: row.ratings,
    recommendation: row.recommendation as Recommendation | null,
    comments: row.comments,
    updatedAt: row.updated_at,
  };
}

function interviewColumns(patch: InterviewPatch): Updateable<InterviewsTable> {
  return {
    ...(patch.interviewerKey !== undefined && { interviewer_key: patch.interviewerKey }),
    ...(patch.candidateKey !== undefined && { candidate_key: patch.candidateKey }),
    ...(patch.problemId !== undefined && { problem_id: patch.problemId }),
    ...(patch.revealedHints !== undefined && {
      revealed_hints: JSON.stringify(
        patch.revealedHints.map((h) => ({ index: h.index, at: h.at.toISOString() })),
      ),
    }),
    ...(patch.editorLocked !== undefined && { editor_locked: patch.editorLocked }),
    ...(patch.runEnabled !== undefined && { run_enabled: patch.runEnabled }),
    ...(patch.endedAt !== undefined && { ended_at: patch.endedAt }),
  };
}

/** Interviews on the same Kysely database; every write that touches the timeline locks the room first. */
export class SqlInterviewStore implements InterviewStore {
  constructor(private readonly db: Kysely<Database>) {}

  async create(input: Parameters<InterviewStore['create']>[0]) {
    return this.db.transaction().execute(async (trx) => {
      const row = await trx
        .insertInto('rooms')
        .values(input.room)
        .returning(['id', 'title', 'language', 'created_at'])
        .executeTakeFirstOrThrow();
      const { interview, host } = input;
      const created = await trx
        .insertInto('interviews')
        .values({
          room_id: row.id,
          owner_account_id: interview.ownerAccountId,
          interviewer_key: interview.interviewerKey,
          candidate_key: interview.candidateKey,
          problem_id: interview.problemId,
        })
        .returningAll()
        .executeTakeFirstOrThrow();
      await trx
        .insertInto('interview_participants')
        .values({
          id: host.id,
          room_id: row.id,
          account_id: interview.ownerAccountId,
          guest_token_hash: null,
          role: 'host',
          status: 'admitted',
          name: host.name,
          email: null,
        })
        .execute();
      const at = row.created_at;
      const actor = interview.ownerAccountId;
      await insertTimeline(trx, [
        {
          roomId: row.id,
          type: 'room.created',
          actor,
          payload: { title: row.title, language: row.language },
          at,
        },
        {
          roomId: row.id,
          type: 'interview.created',
          actor,
          payload: { problemId: interview.problemId, host: host.id },
          at,
        },
      ]);
      const room: StoredRoom = {
        id: row.id,
        title: row.title,
        language: row.language,
        createdAt: row.created_at,
      };
      return { room, interview: toInterview(created) };
    });
  }

  async get(roomId: string): Promise<StoredInterview | null> {
    const row = await this.db
      .selectFrom('interviews')
      .selectAll()
      .where('room_id', '=', roomId)
      .executeTakeFirst();
    return row === undefined ? null : toInterview(row);
  }

  async update(
    roomId: string,
    change: Change<StoredInterview, InterviewPatch>,
  ): Promise<StoredInterview | null> {
    return this.db.transaction().execute(async (trx) => {
      if (!(await this.lockRoom(trx, roomId))) return null;
      const row = await trx
        .selectFrom('interviews')
        .selectAll()
        .where('room_id', '=', roomId)
        .executeTakeFirst();
      if (row === undefined) return null;
      const { patch, entry } = change(toInterview(row));
      const updated = await trx
        .updateTable('interviews')
        .set(interviewColumns(patch))
        .where('room_id', '=', roomId)
        .returningAll()
        .executeTakeFirstOrThrow();
      await insertTimeline(trx, [{ ...entry, roomId }]);
      return toInterview(updated);
    });
  }

  async addParticipant(
    participant: NewParticipant,
    entry: Omit<TimelineEntry, 'roomId'>,
  ): Promise<StoredParticipant> {
    return this.db.transaction().execute(async (trx) => {
      await lockRooms(trx, [participant.roomId]);
      const row = await trx
        .insertInto('interview_participants')
        .values({
          id: participant.id,
          room_id: participant.roomId,
          account_id: participant.accountId,
          guest_token_hash: participant.guestTokenHash,
          role: participant.role,
          status: participant.status,
          name: participant.name,
          email: participant.email,
        })
        .returning(PARTICIPANT_COLUMNS)
        .executeTakeFirstOrThrow();
      await insertTimeline(trx, [{ ...entry, roomId: participant.roomId }]);
      return toParticipant(row);
    });
  }

  async updateParticipant(
    roomId: string,
    participantId: string,
    change: Change<StoredParticipant, ParticipantPatch>,
  ): Promise<StoredParticipant | null> {
    return this.db.transaction().execute(async (trx) => {
      if (!(await this.lockRoom(trx, roomId))) return null;
      const row = await trx
        .selectFrom('interview_participants')
        .select(PARTICIPANT_COLUMNS)
        .where('room_id', '=', roomId)
        .where('id', '=', participantId)
        .executeTakeFirst();
      if (row === undefined) return null;
      const { patch, entry } = change(toParticipant(row));
      const updated = await trx
        .updateTable('interview_participants')
        .set({
          ...(patch.role !== undefined && { role: patch.role }),
          ...(patch.status !== undefined && { status: patch.status }),
          updated_at: new Date(),
        })
        .where('id', '=', participantId)
        .returning(PARTICIPANT_COLUMNS)
        .executeTakeFirstOrThrow();
      await insertTimeline(trx, [{ ...entry, roomId }]);
      return toParticipant(updated);
    });
  }

  async participants(roomId: string): Promise<StoredParticipant[]> {
    const rows = await this.db
      .selectFrom('interview_participants')
      .select(PARTICIPANT_COLUMNS)
      .where('room_id', '=', roomId)
      .orderBy('created_at')
      .orderBy('id')
      .execute();
    return rows.map(toParticipant);
  }

  async participant(roomId: string, participantId: string): Promise<StoredParticipant | null> {
    const row = await this.db
      .selectFrom('interview_participants')
      .select(PARTICIPANT_COLUMNS)
      .where('room_id', '=', roomId)
      .where('id', '=', participantId)
      .executeTakeFirst();
    return row === undefined ? null : toParticipant(row);
  }

  async participantByAccount(roomId: string, accountId: string): Promise<StoredParticipant | null> {
    const row = await this.db
      .selectFrom('interview_participants')
      .select(PARTICIPANT_COLUMNS)
      .where('room_id', '=', roomId)
      .where('account_id', '=', accountId)
      .executeTakeFirst();
    return row === undefined ? null : toParticipant(row);
  }

  async participantByGuestToken(
    roomId: string,
    tokenHash: string,
  ): Promise<StoredParticipant | null> {
    const row = await this.db
      .selectFrom('interview_participants')
      .select(PARTICIPANT_COLUMNS)
      .where('room_id', '=', roomId)
      .where('guest_token_hash', '=', tokenHash)
      .executeTakeFirst();
    return row === undefined ? null : toParticipant(row);
  }

  async appendNote(record: {
    roomId: string;
    author: string;
    update: Uint8Array;
    at: Date;
  }): Promise<void> {
    await this.db
      .insertInto('interview_note_updates')
      .values({
        room_id: record.roomId,
        author: record.author,
        update: record.update,
        at: record.at,
      })
      .execute();
  }

  async loadNotes(roomId: string): Promise<Uint8Array[]> {
    const rows = await this.db
      .selectFrom('interview_note_updates')
      .select('update')
      .where('room_id', '=', roomId)
      .orderBy('seq')
      .execute();
    return rows.map((r) => toBytes(r.update));
  }

  async saveScorecard(
    scorecard: StoredScorecard,
    entry: Omit<TimelineEntry, 'roomId'>,
  ): Promise<StoredScorecard> {
    return this.db.transaction().execute(async (trx) => {
      await lockRooms(trx, [scorecard.roomId]);
      const row = await trx
        .insertInto('interview_scorecards')
        .values({
          room_id: scorecard.roomId,
          participant_id: scorecard.participantId,
          ratings: JSON.stringify(scorecard.ratings),
          recommendation: scorecard.recommendation,
          comments: scorecard.comments,
          updated_at: scorecard.updatedAt,
        })
        .onConflict((oc) =>
          oc.columns(['room_id', 'participant_id']).doUpdateSet((eb) => ({
            ratings: eb.ref('excluded.ratings'),
            recommendation: eb.ref('excluded.recommendation'),
            comments: eb.ref('excluded.comments'),
            updated_at: eb.ref('excluded.updated_at'),
          })),
        )
        .returningAll()
        .executeTakeFirstOrThrow();
      await insertTimeline(trx, [{ ...entry, roomId: scorecard.roomId }]);
      return toScorecard(row);
    });
  }

  async scorecards(roomId: string): Promise<StoredScorecard[]> {
    const rows = await this.db
      .selectFrom('interview_scorecards')
      .selectAll()
      .where('room_id', '=', roomId)
      .orderBy('updated_at')
      .execute();
    return rows.map(toScorecard);
  }

  /** Locks the room's row (commit order of its timeline); false when the room does not exist. */
  private async lockRoom(trx: Transaction<Database>, roomId: string): Promise<boolean> {
    const row = await trx
      .selectFrom('rooms')
      .select('id')
      .where('id', '=', roomId)
      .forNoKeyUpdate()
      .executeTakeFirst();
    return row !== undefined;
  }
}
