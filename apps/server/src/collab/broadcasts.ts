import type { Server } from 'socket.io';
import {
  CLOSE_CODES,
  isStaff,
  type ClientToServerEvents,
  type CloseCode,
  type ServerToClientEvents,
  type SessionRole,
} from '@tandem/protocol';
import type { Sessions } from '../auth/sessions.js';
import type { InterviewService } from '../interviews/interview-service.js';
import type { RunService } from '../runs/run-service.js';
import type { InterServerEvents } from './cluster.js';
import type { RoomRegistry } from './room-registry.js';

/** Socket.IO rooms: a room's staff (notes, lobby, scorecards), each participant's and each sign-in's own sockets. */
export const staffChannel = (roomId: string) => `staff:${roomId}`;
export const participantChannel = (participantId: string) => `participant:${participantId}`;
export const signInChannel = (sessionId: string) => `signin:${sessionId}`;

/**
 * Where a socket stands in its room, as its handshake found it: what decides
 * its channels, and what a recovered connection must still match.
 */
export interface Standing {
  roomId: string;
  role: SessionRole;
  /** Null in scratch rooms. */
  participantId: string | null;
  accountId: string | null;
  /** A candidate waiting in the lobby: its own channels only, not the room's. */
  lobby: boolean;
  /** The sign-in its access token belongs to; null for a guest. */
  signIn: string | null;
}

export function standingOf(data: {
  roomId: string;
  member: { role: SessionRole; participantId: string | null; accountId: string | null };
  lobby: unknown;
  account: { sessionId: string } | null;
}): Standing {
  const { role, participantId, accountId } = data.member;
  return {
    roomId: data.roomId,
    role,
    participantId,
    accountId,
    lobby: data.lobby !== null,
    signIn: data.account?.sessionId ?? null,
  };
}

/** Every channel a socket of this standing is in, besides its own id. */
export function channelsOf(s: Standing): string[] {
  const channels: string[] = [];
  if (s.participantId !== null) channels.push(participantChannel(s.participantId));
  if (s.signIn !== null) channels.push(signInChannel(s.signIn));
  if (!s.lobby) channels.push(s.roomId);
  if (!s.lobby && isStaff(s.role)) channels.push(staffChannel(s.roomId));
  return channels;
}

type Io = Server<ClientToServerEvents, ServerToClientEvents, InterServerEvents>;

/**
 * Connects what the services announce (runs, interview state, lobby,
 * removals, ended sign-ins) to the sockets that must hear it. Every emit goes
 * through the adapter, so it reaches those sockets on every node.
 */
export function installBroadcasts(
  io: Io,
  deps: {
    runs: RunService;
    interviews: InterviewService;
    sessions: Sessions;
    registry: RoomRegistry;
    /** Several nodes: tell the others when control state changes. */
    clustered: boolean;
  },
): void {
  const { runs, interviews, sessions, registry, clustered } = deps;
  /** Tells a channel's sockets why, then ends them, on every node at once. */
  const end = (channel: string, code: CloseCode, reason: string) => {
    io.to(channel).emit('session:closed', { code, reason });
    io.in(channel).disconnectSockets(true);
  };
  sessions.ended = (sessionIds) => {
    for (const id of sessionIds) {
      end(
        signInChannel(id),
        CLOSE_CODES.SIGNED_OUT,
        'You signed out (here or on another device). Sign in again to rejoin.',
      );
    }
  };
  runs.publish = (view) => {
    if (view.roomId) io.to(view.roomId).emit('run:update', view);
  };
  interviews.broadcast = {
    state: (roomId, state) => io.to(roomId).emit('interview:state', state),
    staff: (roomId, staff) => io.to(staffChannel(roomId)).emit('interview:staff', staff),
    lobby: (participantId, status) =>
      io.to(participantChannel(participantId)).emit('lobby:status', status),
    close: (participantId, code, reason) => end(participantChannel(participantId), code, reason),
    controls: (roomId, interview) => {
      registry.ifLoaded(roomId, (session) => {
        session.control = interview;
      });
      // Other nodes serving this room re-read it, so their per-edit checks follow at once.
      if (clustered) io.serverSideEmit('interview:controls', roomId);
    },
  };
}
