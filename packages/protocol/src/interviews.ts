import { z } from 'zod';
import type { RoomSchema } from './schemas.js';
import { DisplayNameSchema, LanguageSchema, TitleSchema } from './schemas.js';

/**
 * Interview rooms: a room owned by an account, with roles, a lobby and
 * interviewer controls. Roles and every piece of control state live on the
 * server; nothing here is ever read from a document a candidate can write.
 */

/** Who someone is in an interview room. `host` is the owner; `observer` is read-only. */
export const ROLES = ['host', 'interviewer', 'observer', 'candidate'] as const;
export type Role = (typeof ROLES)[number];
/** What a socket in a scratch room (no owner) is: everyone edits, nobody steers. */
export type SessionRole = Role | 'scratch';

/** Interviewers see the interviewer panel; observers see it read-only; candidates never receive it. */
export const STAFF_ROLES: readonly Role[] = ['host', 'interviewer', 'observer'];
export const isStaff = (role: SessionRole): boolean => (STAFF_ROLES as string[]).includes(role);

/** A participant's place: waiting in the lobby, admitted, denied or removed. */
export const PARTICIPANT_STATUSES = ['waiting', 'admitted', 'denied', 'removed'] as const;
export type ParticipantStatus = (typeof PARTICIPANT_STATUSES)[number];

/** Opaque ids the server hands out (participants), 16 random bytes in base64url. */
export const ParticipantIdSchema = z
  .string()
  .regex(/^[A-Za-z0-9_-]{22}$/, 'a participant id is 22 characters of A-Z, a-z, 0-9, - and _');

/** A link secret (the part after `#` of an invite link): 128 random bits in base64url. */
export const InviteKeySchema = z
  .string()
  .regex(/^[A-Za-z0-9_-]{22}$/, 'the invite key is 22 characters; copy the whole link');

/** A candidate's room-scoped credential, sent as `auth.guestToken` or the `tandem-guest` header. */
export const GuestTokenSchema = z
  .string()
  .regex(/^[A-Za-z0-9_-]{43}$/, 'the guest token is 43 characters of A-Z, a-z, 0-9, - and _');

/** The HTTP header that carries a guest token on REST calls. */
export const GUEST_TOKEN_HEADER = 'tandem-guest';

export const CreateInterviewBodySchema = z.object({
  title: TitleSchema,
  language: LanguageSchema.optional(),
  /** A sample problem to start with; the host can switch it later. */
  problemId: z
    .string()
    .regex(/^[a-z0-9-]{1,64}$/, 'not a problem id')
    .optional(),
});
export type CreateInterviewBody = z.input<typeof CreateInterviewBodySchema>;

/** A candidate asking to enter: a name, an email if they want to give one. */
export const LobbyRequestBodySchema = z.object({
  key: InviteKeySchema,
  name: DisplayNameSchema,
  email: z
    .string()
    .trim()
    .max(254, 'the email address must be at most 254 characters')
    .email('this is not an email address')
    .optional()
    .or(z.literal('').transform(() => undefined)),
});
export type LobbyRequestBody = z.input<typeof LobbyRequestBodySchema>;

export const JoinAsStaffBodySchema = z.object({ key: InviteKeySchema });

/** Invite links: co-interviewers (signed in) and the candidate (no account). */
export interface InviteLinks {
  interviewer: string;
  candidate: string;
}

/** A revealed hint as everyone in the room sees it. */
export interface RevealedHint {
  /** 0-based position on the problem's hint ladder. */
  index: number;
  text: string;
  revealedAt: string;
}

/**
 * What every admitted participant sees of the interview (candidates included):
 * never an unrevealed hint, never a note, never a scorecard.
 */
export interface InterviewState {
  problemId: string | null;
  /** The revealed hints, in ladder order. */
  hints: RevealedHint[];
  /** How many hints the problem has in total ("hint 1 of 3"). */
  hintCount: number;
  editorLocked: boolean;
  runEnabled: boolean;
  /** Set once the interview is over: the room is read-only for everyone. */
  endedAt: string | null;
}

export interface ParticipantView {
  id: string;
  name: string;
  /** Candidates who gave one; shown to interviewers only. */
  email: string | null;
  role: Role;
  status: ParticipantStatus;
  /** Whether this participant signed in with an account (staff always do). */
  hasAccount: boolean;
  createdAt: string;
}

export const RUBRIC = ['problemSolving', 'codeQuality', 'communication', 'testing'] as const;
export type RubricItem = (typeof RUBRIC)[number];
export const RECOMMENDATIONS = ['strong_no', 'no', 'yes', 'strong_yes'] as const;
export type Recommendation = (typeof RECOMMENDATIONS)[number];

const Rating = z.number().int().min(1, 'ratings are 1 to 4').max(4, 'ratings are 1 to 4');

/** One interviewer's scorecard: each rubric item 1–4 (or not rated yet), a recommendation, free text. */
export const ScorecardBodySchema = z.object({
  ratings: z.object({
    problemSolving: Rating.nullable(),
    codeQuality: Rating.nullable(),
    communication: Rating.nullable(),
    testing: Rating.nullable(),
  }),
  recommendation: z.enum(RECOMMENDATIONS).nullable(),
  comments: z.string().max(20_000, 'the comments must be at most 20,000 characters'),
});
export type ScorecardBody = z.infer<typeof ScorecardBodySchema>;

export interface ScorecardView extends ScorecardBody {
  /** The participant (an interviewer) who wrote it. */
  participantId: string;
  authorName: string;
  updatedAt: string;
}

/**
 * What interviewers (and observers) see: everyone's place including the
 * lobby, the whole hint ladder of the current problem, the scorecards.
 * Sent only to staff sockets; candidates never receive it.
 */
export interface StaffView {
  participants: ParticipantView[];
  /** Every hint of the current problem, revealed or not. */
  hintLadder: string[];
  scorecards: ScorecardView[];
}

/** The full answer of `GET /api/interviews/:id` to staff. Links go to the host and interviewers only. */
export interface InterviewDetails {
  room: z.infer<typeof RoomSchema>;
  self: { participantId: string; role: Role };
  state: InterviewState;
  staff: StaffView;
  links: InviteLinks | null;
}

/**
 * Interviewer controls. Each is validated, authorised from the role stored
 * on the server, persisted with a timeline entry in one transaction, then
 * broadcast. Sent as `interview:command` or `POST /api/interviews/:id/commands`.
 */
export const InterviewCommandSchema = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('set-problem'),
    problemId: z
      .string()
      .regex(/^[a-z0-9-]{1,64}$/, 'not a problem id')
      .nullable(),
  }),
  z.object({ type: z.literal('reveal-hint') }),
  z.object({ type: z.literal('set-editor-locked'), locked: z.boolean() }),
  z.object({ type: z.literal('set-run-enabled'), enabled: z.boolean() }),
  z.object({ type: z.literal('end') }),
  z.object({ type: z.literal('admit'), participantId: ParticipantIdSchema }),
  z.object({ type: z.literal('deny'), participantId: ParticipantIdSchema }),
  z.object({ type: z.literal('remove'), participantId: ParticipantIdSchema }),
  z.object({
    type: z.literal('set-role'),
    participantId: ParticipantIdSchema,
    role: z.enum(['interviewer', 'observer']),
  }),
  z.object({ type: z.literal('rotate-link'), link: z.enum(['interviewer', 'candidate']) }),
]);
export type InterviewCommand = z.infer<typeof InterviewCommandSchema>;
export type InterviewCommandType = InterviewCommand['type'];

/** Every command type, for exhaustive tables (the role matrix test checks it covers them all). */
export const INTERVIEW_COMMAND_TYPES = InterviewCommandSchema.options.map(
  (o) => o.shape.type.value,
) as InterviewCommandType[];

/** What a command answers: the new public state, and the new links after `rotate-link`. */
export interface CommandResult {
  state: InterviewState;
  links?: InviteLinks;
}

/** Where a waiting candidate stands; pushed as `lobby:status`. */
export interface LobbyStatus {
  status: 'waiting' | 'admitted' | 'denied' | 'removed';
  participantId: string;
  name: string;
  /** Integrity signals collected in this room (none yet): the waiting screen says so honestly. */
  signals: string[];
}

/** `POST /api/interviews/:id/lobby` answers with the guest credential to keep. */
export interface LobbyTicket {
  guestToken: string;
  participantId: string;
  roomId: string;
  title: string;
}

/** The shared Y.Text of an interview's private notes document. */
export const NOTES_TEXT_KEY = 'notes';
