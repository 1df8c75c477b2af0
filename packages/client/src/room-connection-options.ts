/** What a RoomConnection is given, what it reports and the statuses it goes through. */
import type { ManagerOptions, SocketOptions } from 'socket.io-client';
import type * as Y from 'yjs';
import type {
  ErrorBody,
  InterviewState,
  LobbyStatus,
  Room,
  RunView,
  StaffView,
} from '@tandem/protocol';

export type ConnectionStatus = 'connecting' | 'connected' | 'reconnecting' | 'offline' | 'closed';

export interface RoomConnectionOptions {
  /** Server origin, e.g. `http://localhost:3000`. */
  url: string;
  roomId: string;
  name: string;
  color?: string;
  /** The signed-in account's current access token, read at every (re)connect; null or absent: a guest. */
  accessToken?: () => string | null;
  /** A candidate's guest credential for this room (from `TandemApi.requestLobby`). */
  guestToken?: string;
  /** Bring your own document (tests); a fresh one by default. */
  doc?: Y.Doc;
  /** Milliseconds between state-vector exchanges that repair anything missed; 0 disables. */
  resyncIntervalMs?: number;
  /** How long to wait for an acknowledgement before sending again. */
  ackTimeoutMs?: number;
  /** Passed to socket.io-client (transports, reconnection delays...). */
  socket?: Partial<ManagerOptions & SocketOptions>;
}

/** What a RoomConnection emits, and with what. */
export type RoomConnectionEvents = {
  status: [ConnectionStatus];
  room: [Room];
  pending: [number];
  /** `savingDelayed` changed. */
  saving: [boolean];
  synced: [];
  error: [ErrorBody];
  run: [RunView];
  /** Interview rooms: the public state (problem, revealed hints, lock, Run, end). */
  interview: [InterviewState];
  /** Staff only: participants, lobby, hint ladder, scorecards. */
  staff: [StaffView];
  /** A candidate in the lobby: waiting, admitted, denied. */
  lobby: [LobbyStatus];
};
