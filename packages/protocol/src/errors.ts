/**
 * One catalogue of every error a client can see, over REST (`status`) and over
 * the socket (a `protocol:error` event or an ack carrying `{ ok: false, code }`).
 * Codes are stable: clients and tests match on them, never on messages.
 */
export const ERRORS = {
  VALIDATION_FAILED: { status: 400, message: 'The request is not valid.' },
  MALFORMED_UPDATE: { status: 400, message: 'The document update could not be decoded.' },
  MALFORMED_MESSAGE: { status: 400, message: 'The message does not match its schema.' },
  UNKNOWN_EVENT: { status: 400, message: 'The event is not part of the protocol.' },
  PROTOCOL_MISMATCH: {
    status: 400,
    message: 'This client speaks another protocol version. Reload the page to update it.',
  },
  LANGUAGE_UNAVAILABLE: {
    status: 400,
    message: 'This language cannot run on this server. Pick one from the list.',
  },
  LANGUAGE_NOT_FOR_PROBLEM: {
    status: 400,
    message:
      'This problem is judged by calling a function, which this language cannot do. Pick another language.',
  },
  OAUTH_STATE_MISMATCH: {
    status: 400,
    message:
      'The sign-in could not be matched to this browser (it expired or was started elsewhere). Start again from the sign-in page.',
  },
  OAUTH_DENIED: {
    status: 400,
    message: 'The sign-in was cancelled at the provider. Try again, or use another way to sign in.',
  },
  OAUTH_PROVIDER_ERROR: {
    status: 502,
    message:
      'The sign-in provider refused to complete the sign-in. Start again from the sign-in page.',
  },
  OAUTH_ID_TOKEN_INVALID: {
    status: 400,
    message:
      'The identity the provider sent could not be verified, so it was refused. Start again from the sign-in page.',
  },
  OAUTH_EMAIL_UNVERIFIED: {
    status: 400,
    message:
      'The provider did not confirm an email address for this sign-in. Verify your email there, then try again.',
  },
  OAUTH_EMAIL_IN_USE: {
    status: 409,
    message:
      'An account with this email address already exists. Sign in with your password, then link this provider in Settings.',
  },
  OAUTH_ALREADY_LINKED: {
    status: 409,
    message: 'This provider account is already linked to another Tandem account.',
  },
  OAUTH_SECOND_FACTOR_REQUIRED: {
    status: 403,
    message:
      'This account uses two-factor authentication. Sign in with your email, password and code instead.',
  },
  OAUTH_PROVIDER_UNKNOWN: {
    status: 404,
    message: 'This sign-in provider is not configured on this server.',
  },
  PASSWORD_TOO_COMMON: {
    status: 400,
    message: 'This password is one of the most common ones and easy to guess. Choose another.',
  },
  UNAUTHENTICATED: { status: 401, message: 'Sign in to do this.' },
  INVALID_CREDENTIALS: { status: 401, message: 'The email address or the password is wrong.' },
  TOTP_REQUIRED: {
    status: 401,
    message: 'Enter the code from your authenticator app (or a recovery code).',
  },
  INVALID_TOTP: {
    status: 401,
    message: 'The code is wrong or was already used. Try the next one.',
  },
  SESSION_EXPIRED: { status: 401, message: 'Your session has ended. Sign in again.' },
  CSRF_REJECTED: {
    status: 403,
    message: 'The request did not come from this site, so it was refused.',
  },
  ORIGIN_NOT_ALLOWED: { status: 403, message: 'Requests from this origin are not allowed.' },
  FORBIDDEN: { status: 403, message: 'You are not allowed to do that in this room.' },
  INVITE_INVALID: {
    status: 403,
    message: 'This invite link is not valid any more. Ask the interviewer for a new one.',
  },
  LOBBY_DENIED: { status: 403, message: 'The interviewer did not let you into this interview.' },
  REMOVED: { status: 403, message: 'You were removed from this interview.' },
  EDITOR_LOCKED: { status: 403, message: 'The interviewer has locked the editor.' },
  RUN_DISABLED: { status: 403, message: 'The interviewer has turned off running code.' },
  ROOM_NOT_FOUND: { status: 404, message: 'No room has this id. Check the link.' },
  NOT_FOUND: { status: 404, message: 'Not found.' },
  PROBLEM_NOT_FOUND: { status: 404, message: 'No problem has this id.' },
  RUN_NOT_FOUND: { status: 404, message: 'No run has this id.' },
  TWO_FACTOR_ENABLED: {
    status: 409,
    message: 'Two-factor authentication is already on. Turn it off first to enrol again.',
  },
  TWO_FACTOR_NOT_PENDING: {
    status: 409,
    message: 'There is no enrolment to confirm. Start again from the QR code.',
  },
  EMAIL_TAKEN: {
    status: 409,
    message: 'An account with this email address exists. Sign in instead.',
  },
  PARTICIPANT_NOT_FOUND: { status: 404, message: 'Nobody in this interview has this id.' },
  INTERVIEW_ENDED: {
    status: 409,
    message: 'This interview has ended. The room is read-only now.',
  },
  ALREADY_DECIDED: {
    status: 409,
    message: 'Someone already answered this request.',
  },
  NO_HINT_LEFT: { status: 409, message: 'Every hint of this problem is already revealed.' },
  REQUEST_TIMEOUT: {
    status: 408,
    message: 'The request took too long to arrive, so it was dropped. Send it again.',
  },
  PAYLOAD_TOO_LARGE: { status: 413, message: 'The payload is larger than the server accepts.' },
  UNSUPPORTED_MEDIA_TYPE: {
    status: 415,
    message:
      'The body is not in a format this route reads. Send JSON with Content-Type: application/json.',
  },
  HEADERS_TOO_LARGE: {
    status: 431,
    message: 'The request headers are larger than the server accepts.',
  },
  UPLOAD_MISSING: {
    status: 400,
    message: 'No file was sent. Send one file in a multipart/form-data field named "file".',
  },
  UPLOAD_TYPE_REFUSED: {
    status: 415,
    message: 'This kind of file is not accepted here.',
  },
  UPLOAD_UNREADABLE: {
    status: 422,
    message: 'The file is damaged or not what its first bytes say it is.',
  },
  IMAGE_TOO_MANY_PIXELS: {
    status: 422,
    message: 'The image has too many pixels (at most 40 megapixels). Resize it and try again.',
  },
  RATE_LIMITED: { status: 429, message: 'Too many requests. Wait and try again.' },
  INTERNAL: { status: 500, message: 'Something went wrong on the server. It has been logged.' },
  STORE_UNAVAILABLE: {
    status: 503,
    message: 'Saving is temporarily unavailable. Your edits are kept and will be sent again.',
  },
  QUEUE_FULL: {
    status: 503,
    message: 'Too many runs are waiting. Try again in a moment.',
  },
  SANDBOX_UNAVAILABLE: {
    status: 503,
    message: 'Code cannot run on this server right now. The administrator has been told why.',
  },
  ROOM_UNAVAILABLE: {
    status: 503,
    message: 'The room could not be loaded right now. Try again in a moment.',
  },
} as const;

export type ErrorCode = keyof typeof ERRORS;

/** The body of every REST error and the payload of every socket error. */
export interface ErrorBody {
  code: ErrorCode;
  message: string;
  /** For validation errors: the path of the offending field, e.g. `title`. */
  field?: string;
  /** The socket event that caused the error, when it came from one. */
  event?: string;
  /** For RATE_LIMITED and QUEUE_FULL: seconds to wait before trying again. */
  retryAfter?: number;
}

export function errorBody(
  code: ErrorCode,
  message?: string,
  extra?: Partial<ErrorBody>,
): ErrorBody {
  return { code, message: message ?? ERRORS[code].message, ...extra };
}
