import { CLOSE_CODES, type CloseCode, type ErrorBody } from '@tandem/protocol';

/*
 * How a connection treats the server's refusals: which edits to drop, which
 * handshakes to give up on or try again, and what a terminal close means.
 */

/** Refusals that sending again cannot fix: the edit is dropped and the error shown. */
export const REFUSED_EDIT_CODES: readonly ErrorBody['code'][] = [
  'FORBIDDEN',
  'EDITOR_LOCKED',
  'INTERVIEW_ENDED',
];

/** Handshake refusals after which reconnecting on its own cannot help. */
export const TERMINAL_HANDSHAKE_CODES: readonly ErrorBody['code'][] = [
  'PROTOCOL_MISMATCH',
  'ROOM_NOT_FOUND',
  'VALIDATION_FAILED',
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'LOBBY_DENIED',
  'REMOVED',
];

/** Refusals of a server that cannot reach its store right now: the handshake is tried again. */
export const RETRIED_HANDSHAKE_CODES: readonly ErrorBody['code'][] = [
  'ROOM_UNAVAILABLE',
  'STORE_UNAVAILABLE',
];

/** The error a terminal close code stands for, as `lastError.code`. */
const CLOSE_ERRORS: Partial<Record<CloseCode, ErrorBody['code']>> = {
  [CLOSE_CODES.ROOM_NOT_FOUND]: 'ROOM_NOT_FOUND',
  [CLOSE_CODES.REMOVED]: 'REMOVED',
  [CLOSE_CODES.LOBBY_DENIED]: 'LOBBY_DENIED',
  [CLOSE_CODES.SIGNED_OUT]: 'SESSION_EXPIRED',
};

export function closeError(code: CloseCode): ErrorBody['code'] {
  return CLOSE_ERRORS[code] ?? 'FORBIDDEN';
}
