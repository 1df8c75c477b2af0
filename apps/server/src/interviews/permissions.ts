/**
 * Who may do what in a room, from the role the server stored, never from
 * anything a client says. Pure: no I/O. The role matrix test
 * (test/role-matrix.test.ts) checks every row against a running server.
 */
import type { InterviewCommandType, SessionRole } from '@tandem/protocol';
import { AppError } from '../errors.js';
import type { BaseLogger } from 'pino';
import type { StoredInterview } from '../store/store.js';

export type Action =
  | 'doc:read'
  | 'doc:edit'
  | 'room:set-language'
  | 'room:set-title'
  | 'run'
  | `command:${InterviewCommandType}`
  | 'notes:read'
  | 'notes:write'
  | 'scorecard:read'
  | 'scorecard:write'
  | 'links:read'
  | 'staff:read';

const EVERYONE: readonly SessionRole[] = [
  'scratch',
  'host',
  'interviewer',
  'observer',
  'candidate',
];
const WRITERS: readonly SessionRole[] = ['scratch', 'host', 'interviewer', 'candidate'];
const STEERING: readonly SessionRole[] = ['host', 'interviewer'];
const STAFF: readonly SessionRole[] = ['host', 'interviewer', 'observer'];
const HOST: readonly SessionRole[] = ['host'];

/**
 * The table. Observers (interviewers in training) read what interviewers
 * read (notes and scorecards included) and change nothing. Candidates edit
 * and run within what the controls allow. Scratch rooms have no controls.
 */
const ALLOWED: Record<Action, readonly SessionRole[]> = {
  'doc:read': EVERYONE,
  'doc:edit': WRITERS,
  'room:set-language': WRITERS,
  'room:set-title': ['scratch', 'host', 'interviewer'],
  run: WRITERS,
  'command:set-problem': STEERING,
  'command:reveal-hint': STEERING,
  'command:set-editor-locked': STEERING,
  'command:set-run-enabled': STEERING,
  'command:admit': STEERING,
  'command:deny': STEERING,
  'command:remove': STEERING,
  'command:end': HOST,
  'command:set-role': HOST,
  'command:rotate-link': HOST,
  'notes:read': STAFF,
  'notes:write': STEERING,
  'scorecard:read': STAFF,
  'scorecard:write': STEERING,
  'links:read': STEERING,
  'staff:read': STAFF,
};

export function allowed(role: SessionRole, action: Action): boolean {
  return ALLOWED[action].includes(role);
}

/** Someone acting in a room: the stored role and who they are, for logs and the timeline. */
/** Where refusals are logged: a pino logger, a Fastify request's logger. */
export type WarnLog = Pick<BaseLogger, 'warn'>;

export interface Member {
  roomId: string;
  role: SessionRole;
  /** Null in scratch rooms. */
  participantId: string | null;
  accountId: string | null;
  name: string;
  /** The socket session (or `rest`), for logs. */
  sessionId: string;
}

/**
 * Throws FORBIDDEN unless the role may do `action`, and logs the refusal at
 * warn: a refused control is either a bug or someone forging a command.
 */
export function authorize(member: Member, action: Action, log: WarnLog): void {
  if (allowed(member.role, action)) return;
  log.warn(
    {
      roomId: member.roomId,
      sessionId: member.sessionId,
      participantId: member.participantId,
      role: member.role,
      action,
    },
    'forbidden action refused',
  );
  throw new AppError(
    'FORBIDDEN',
    member.role === 'scratch'
      ? 'This is a scratch room: it has no interviewer controls.'
      : `A ${member.role} may not do that (${action}).`,
  );
}

/**
 * The control state's say on an allowed action: an ended interview is
 * read-only for everyone; a lock and a disabled Run restrict the candidate
 * (interviewers keep editing and running, e.g. to show an example).
 */
export function checkControls(
  member: Member,
  action: 'doc:edit' | 'room:set-language' | 'room:set-title' | 'run',
  interview: StoredInterview | null,
): void {
  if (!interview) return;
  if (interview.endedAt) throw new AppError('INTERVIEW_ENDED');
  if (member.role !== 'candidate') return;
  if (interview.editorLocked && (action === 'doc:edit' || action === 'room:set-language')) {
    throw new AppError('EDITOR_LOCKED');
  }
  if (!interview.runEnabled && action === 'run') throw new AppError('RUN_DISABLED');
}
