import { sql, type Kysely, type Migration } from 'kysely';

/**
 * Interview rooms: the interview row of an owned room (invite keys and
 * control state), its participants (role and lobby status; candidates by a
 * hashed guest token, staff by account), the private notes' update log and
 * one scorecard per interviewer.
 */
export const interviewsMigration: Migration = {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  async up(db: Kysely<any>): Promise<void> {
    await db.schema
      .createTable('interviews')
      .addColumn('room_id', 'text', (c) => c.primaryKey().references('rooms.id'))
      .addColumn('owner_account_id', 'text', (c) => c.notNull().references('users.id'))
      .addColumn('interviewer_key', 'text', (c) => c.notNull())
      .addColumn('candidate_key', 'text', (c) => c.notNull())
      .addColumn('problem_id', 'text')
      .addColumn('revealed_hints', 'jsonb', (c) => c.notNull().defaultTo(sql`'[]'::jsonb`))
      .addColumn('editor_locked', 'boolean', (c) => c.notNull().defaultTo(false))
      .addColumn('run_enabled', 'boolean', (c) => c.notNull().defaultTo(true))
      .addColumn('ended_at', 'timestamptz')
      .execute();
    await db.schema
      .createTable('interview_participants')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('room_id', 'text', (c) => c.notNull().references('rooms.id'))
      .addColumn('account_id', 'text', (c) => c.references('users.id'))
      .addColumn('guest_token_hash', 'text', (c) => c.unique())
      .addColumn('role', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('email', 'text')
      .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
      .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
      .execute();
    await db.schema
      .createIndex('interview_participants_room_account')
      .on('interview_participants')
      .columns(['room_id', 'account_id'])
      .unique()
      .where(sql.ref('account_id'), 'is not', null)
      .execute();
    await db.schema
      .createTable('interview_note_updates')
      .addColumn('seq', 'bigserial', (c) => c.primaryKey())
      .addColumn('room_id', 'text', (c) => c.notNull().references('rooms.id'))
      .addColumn('author', 'text', (c) => c.notNull())
      .addColumn('at', 'timestamptz', (c) => c.notNull())
      .addColumn('update', 'bytea', (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('interview_note_updates_room_seq')
      .on('interview_note_updates')
      .columns(['room_id', 'seq'])
      .execute();
    await db.schema
      .createTable('interview_scorecards')
      .addColumn('room_id', 'text', (c) => c.notNull().references('rooms.id'))
      .addColumn('participant_id', 'text', (c) =>
        c.notNull().references('interview_participants.id'),
      )
      .addColumn('ratings', 'jsonb', (c) => c.notNull())
      .addColumn('recommendation', 'text')
      .addColumn('comments', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'timestamptz', (c) => c.notNull())
      .addPrimaryKeyConstraint('interview_scorecards_pk', ['room_id', 'participant_id'])
      .execute();
  },
};
