import type { CloseCode } from './close-codes.js';
import type { ErrorBody } from './errors.js';
import type { Room, RoomCommand, Welcome } from './schemas.js';
import type { RunRequest, RunView } from './runs.js';
import type {
  CommandResult,
  InterviewCommand,
  InterviewState,
  LobbyStatus,
  ScorecardBody,
  ScorecardView,
  StaffView,
} from './interviews.js';

/** Every acknowledgement is either a success with its data or an error body. */
export type Ack<T extends object = object> = ({ ok: true } & T) | ({ ok: false } & ErrorBody);

export interface SyncReply {
  /** Yjs update (V2 encoding) holding everything the client's state vector lacks. */
  update: Uint8Array;
  /** The server replica's state vector, so the client can send what the server lacks. */
  sv: Uint8Array;
}

/** Events the client sends. Every payload is validated by the server. */
export interface ClientToServerEvents {
  /** Sync step 1: the client's state vector; the reply is sync step 2 plus the server's vector. */
  'sync:step1': (sv: Uint8Array, ack: (reply: Ack<SyncReply>) => void) => void;
  /** A Yjs update (V2). Acknowledged only once durably committed. */
  'doc:update': (update: Uint8Array, ack: (reply: Ack) => void) => void;
  /** A y-protocols awareness update (cursor, selection, name, colour). */
  'awareness:update': (update: Uint8Array) => void;
  /** A server-authoritative room setting change. */
  'room:command': (command: RoomCommand, ack: (reply: Ack<{ room: Room }>) => void) => void;
  /** Run code (or judge it against a problem). Everyone in the room then gets `run:update`s. */
  'run:start': (request: RunRequest, ack: (reply: Ack<{ run: RunView }>) => void) => void;
  /** Stop a queued or running run of this room. */
  'run:cancel': (request: { runId: string }, ack: (reply: Ack) => void) => void;
  /** An interviewer control (interview rooms); authorised from the stored role. */
  'interview:command': (
    command: InterviewCommand,
    ack: (reply: Ack<CommandResult>) => void,
  ) => void;
  /** Sync step 1 of the interviewers' private notes (staff only). */
  'notes:sync': (sv: Uint8Array, ack: (reply: Ack<SyncReply>) => void) => void;
  /** An edit of the private notes, Yjs V2 (host and interviewers only). */
  'notes:update': (update: Uint8Array, ack: (reply: Ack) => void) => void;
  /** Saves this interviewer's scorecard (host and interviewers only). */
  'scorecard:save': (
    scorecard: ScorecardBody,
    ack: (reply: Ack<{ scorecard: ScorecardView }>) => void,
  ) => void;
}

/**
 * Whether this server can save right now. `delayed`: its database is out of
 * reach (restarting, say); edits are still shared live, kept by the server
 * and by their authors, and acknowledged once saved.
 */
export interface SavingStatus {
  saving: 'ok' | 'delayed';
}

/** Events the server sends. */
export interface ServerToClientEvents {
  /** First message after a successful handshake. */
  'session:welcome': (welcome: Welcome) => void;
  /** A Yjs update (V2) made by someone else in the room. */
  'doc:update': (update: Uint8Array) => void;
  /** Awareness states of others (y-protocols encoding). */
  'awareness:update': (update: Uint8Array) => void;
  /** The room's settings after a command changed them. */
  'room:state': (room: Room) => void;
  /** A message the client sent was refused; the connection stays open. */
  'protocol:error': (error: ErrorBody) => void;
  /**
   * A run of this room changed: queued (with its place), running, a test case
   * done, finished. Also sent on join for the room's latest run.
   */
  'run:update': (run: RunView) => void;
  /** Interview rooms: the state everyone admitted may see changed. */
  'interview:state': (state: InterviewState) => void;
  /** Interview rooms, staff sockets only: participants, lobby, hint ladder, scorecards. */
  'interview:staff': (staff: StaffView) => void;
  /** A candidate in the lobby: waiting, admitted (reconnect to enter), denied. */
  'lobby:status': (status: LobbyStatus) => void;
  /** Staff sockets only: an edit of the private notes (Yjs V2). */
  'notes:update': (update: Uint8Array) => void;
  /**
   * Saving on this server started waiting for its database, or works again.
   * Sent to every socket of the server when it changes, and on join while
   * saving is delayed.
   */
  'saving:status': (status: SavingStatus) => void;
  /** The server is about to close the session, and why. */
  'session:closed': (info: { code: CloseCode; reason: string }) => void;
}

export type ClientEventName = keyof ClientToServerEvents;
export type ServerEventName = keyof ServerToClientEvents;

export const CLIENT_EVENTS = [
  'sync:step1',
  'doc:update',
  'awareness:update',
  'room:command',
  'run:start',
  'run:cancel',
  'interview:command',
  'notes:sync',
  'notes:update',
  'scorecard:save',
] as const satisfies readonly ClientEventName[];

/** Socket.IO path, shared so proxies and clients agree. */
export const SOCKET_PATH = '/socket.io';
