/**
 * Why the server ends a session. Sent in `session:closed` just before the
 * server disconnects the socket, in the 4xxx range WebSocket reserves for
 * applications, so a client can tell "reconnect" from "stop trying".
 */
export const CLOSE_CODES = {
  /** Too many invalid messages; the client should not reconnect automatically. */
  ABUSE: 4008,
  /** The room does not exist (or no longer exists). */
  ROOM_NOT_FOUND: 4004,
  /** The client's protocol version is not the server's. */
  PROTOCOL_MISMATCH: 4006,
  /** An interviewer removed this participant; their credential no longer works. */
  REMOVED: 4003,
  /** An interviewer denied this lobby request. */
  LOBBY_DENIED: 4005,
  /** This participant's role changed: reconnect to get the new rights. */
  ROLE_CHANGED: 4011,
  /** The server is shutting down; reconnect (possibly to another node). */
  SERVER_SHUTDOWN: 4012,
  /** The account's sign-in behind this socket ended (sign-out here or on another device). */
  SIGNED_OUT: 4013,
} as const;

export type CloseCode = (typeof CLOSE_CODES)[keyof typeof CLOSE_CODES];

/** Close codes after which a client must not reconnect on its own. */
export const TERMINAL_CLOSE_CODES: readonly CloseCode[] = [
  CLOSE_CODES.ABUSE,
  CLOSE_CODES.ROOM_NOT_FOUND,
  CLOSE_CODES.PROTOCOL_MISMATCH,
  CLOSE_CODES.REMOVED,
  CLOSE_CODES.LOBBY_DENIED,
  CLOSE_CODES.SIGNED_OUT,
];
