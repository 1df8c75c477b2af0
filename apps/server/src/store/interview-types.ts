/**
 * The interview part of the persistence seam: interview rooms, their
 * participants (roles and lobby), private notes and scorecards. Every change
 * of control state is written with its timeline entry in one transaction.
 */
import type { LanguageId, ParticipantStatus, Recommendation, Role } from '@tandem/protocol';
import type { StoredRoom, TimelineEntry } from './store.js';

export interface StoredInterview {
  roomId: string;
  ownerAccountId: string;
  interviewerKey: string;
  candidateKey: string;
  problemId: string | null;
  /** The current problem's revealed hints, in ladder order. */
  revealedHints: { index: number; at: Date }[];
  editorLocked: boolean;
  runEnabled: boolean;
  endedAt: Date | null;
}

export type InterviewPatch = Partial<Omit<StoredInterview, 'roomId' | 'ownerAccountId'>>;

export interface StoredParticipant {
  id: string;
  roomId: string;
  accountId: string | null;
  role: Role;
  status: ParticipantStatus;
  name: string;
  email: string | null;
  createdAt: Date;
}

export interface NewParticipant extends Omit<StoredParticipant, 'createdAt'> {
  /** SHA-256 (hex) of a candidate's guest token. */
  guestTokenHash: string | null;
}

export type ParticipantPatch = Partial<Pick<StoredParticipant, 'role' | 'status'>>;

export interface StoredScorecard {
  roomId: string;
  participantId: string;
  ratings: Record<string, number | null>;
  recommendation: Recommendation | null;
  comments: string;
  updatedAt: Date;
}

/** A change decided from the current row, inside the transaction that holds its lock. */
export type Change<Row, Patch> = (current: Row) => {
  patch: Patch;
  entry: Omit<TimelineEntry, 'roomId'>;
};

export interface InterviewStore {
  /**
   * Creates the room, its interview row, the host's participant row and the
   * `room.created` and `interview.created` timeline entries in one transaction.
   */
  create(input: {
    room: { id: string; title: string; language: LanguageId };
    interview: Omit<
      StoredInterview,
      'roomId' | 'revealedHints' | 'editorLocked' | 'runEnabled' | 'endedAt'
    >;
    host: { id: string; name: string };
  }): Promise<{ room: StoredRoom; interview: StoredInterview }>;
  /** Null when the room is a scratch room (or does not exist). */
  get(roomId: string): Promise<StoredInterview | null>;
  /**
   * Locks the interview row, calls `change` with its current value, applies the
   * patch and appends the entry, all in one transaction. `change` may throw to
   * abort (nothing is written). Null when there is no such interview.
   */
  update(
    roomId: string,
    change: Change<StoredInterview, InterviewPatch>,
  ): Promise<StoredInterview | null>;

  /** Adds a participant and its timeline entry in one transaction. */
  addParticipant(
    participant: NewParticipant,
    entry: Omit<TimelineEntry, 'roomId'>,
  ): Promise<StoredParticipant>;
  /** Like `update`, for one participant of the room. Null when it does not exist. */
  updateParticipant(
    roomId: string,
    participantId: string,
    change: Change<StoredParticipant, ParticipantPatch>,
  ): Promise<StoredParticipant | null>;
  participants(roomId: string): Promise<StoredParticipant[]>;
  participant(roomId: string, participantId: string): Promise<StoredParticipant | null>;
  participantByAccount(roomId: string, accountId: string): Promise<StoredParticipant | null>;
  participantByGuestToken(roomId: string, tokenHash: string): Promise<StoredParticipant | null>;

  /** Appends an update (V2) of the room's private notes; resolves once committed. */
  appendNote(record: {
    roomId: string;
    author: string;
    update: Uint8Array;
    at: Date;
  }): Promise<void>;
  /** Every stored update of the room's notes, in commit order. */
  loadNotes(roomId: string): Promise<Uint8Array[]>;

  /** Inserts or replaces one interviewer's scorecard, with its timeline entry, in one transaction. */
  saveScorecard(
    scorecard: StoredScorecard,
    entry: Omit<TimelineEntry, 'roomId'>,
  ): Promise<StoredScorecard>;
  scorecards(roomId: string): Promise<StoredScorecard[]>;
}
