/**
 * The socket handshake: every connect (recovered or not) shows its `auth`
 * here. The protocol version, the fields and the credential are checked,
 * the room is read and the participant resolved from what the server stores,
 * and the socket's data is set; a refusal is a connect error whose `data` is
 * a catalogue error body (docs/PROTOCOL.md, "Handshake").
 */
import { randomBytes } from 'node:crypto';
import { ServerResponse, type IncomingMessage } from 'node:http';
import type { Server, Socket } from 'socket.io';
import {
  HandshakeSchema,
  PROTOCOL_VERSION,
  errorBody,
  type ClientToServerEvents,
  type ErrorBody,
  type ServerToClientEvents,
} from '@tandem/protocol';
import type { Account } from '../auth/principal.js';
import { AppError, toErrorBody } from '../errors.js';
import { refuseBadText } from '../http/text-guard.js';
import type { Member } from '../interviews/permissions.js';
import type { StoredParticipant, StoredRoom } from '../store/store.js';
import type { InterServerEvents } from './cluster.js';
import type { RoomSession } from './room-session.js';
import type { SocketServerDeps } from './socket-server.js';

export interface SocketData {
  roomId: string;
  sessionId: string;
  name: string;
  color: string;
  baseUrl: string;
  room: StoredRoom;
  /** Who this socket is, from the role stored on the server (read at the handshake). */
  member: Member;
  /** A candidate waiting in the lobby: no document, no presence, only `lobby:status`. */
  lobby: StoredParticipant | null;
  /** The room's replica and presence; null for lobby sockets. */
  session: RoomSession | null;
  /** The account whose access token the handshake carried (checked), or null for a guest. */
  account: Account | null;
}

export type IoServer = Server<
  ClientToServerEvents,
  ServerToClientEvents,
  InterServerEvents,
  SocketData
>;
export type IoSocket = Socket<
  ClientToServerEvents,
  ServerToClientEvents,
  InterServerEvents,
  SocketData
>;

const PALETTE = [
  '#d1495b',
  '#00798c',
  '#edae49',
  '#66a182',
  '#8d5a97',
  '#2e4057',
  '#e07a5f',
  '#3d405b',
];

function handshakeError(body: ErrorBody): Error {
  return Object.assign(new Error(body.message), { data: body });
}

type HandshakeDeps = Pick<
  SocketServerDeps,
  'config' | 'store' | 'registry' | 'interviews' | 'auth' | 'logger'
>;

/** The middleware for `io.use`. */
export function checkHandshake({
  config,
  store,
  registry,
  interviews,
  auth: authenticator,
  logger,
}: HandshakeDeps): (socket: IoSocket, next: (err?: Error) => void) => Promise<void> {
  return async (socket, next) => {
    const auth = socket.handshake.auth as Record<string, unknown>;
    if (auth.v !== PROTOCOL_VERSION) {
      return next(
        handshakeError(
          errorBody(
            'PROTOCOL_MISMATCH',
            `This client speaks protocol ${String(auth.v)}; the server speaks ${PROTOCOL_VERSION}. Reload the page.`,
          ),
        ),
      );
    }
    try {
      refuseBadText(auth);
    } catch (err) {
      return next(handshakeError(toErrorBody(err)));
    }
    const parsed = HandshakeSchema.safeParse(auth);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      return next(
        handshakeError(
          errorBody('VALIDATION_FAILED', issue?.message, { field: issue?.path.join('.') }),
        ),
      );
    }
    const { roomId, name, color, accessToken, guestToken } = parsed.data;
    const sessionId = randomBytes(9).toString('base64url');
    let resolution;
    let account: Account | null = null;
    if (accessToken !== undefined) {
      account = await authenticator.fromAccessToken(accessToken).catch((err: unknown) => {
        logger.error({ err }, 'access token check failed');
        return null;
      });
      if (account === null) return next(handshakeError(errorBody('SESSION_EXPIRED')));
    }
    try {
      const found = await store.getRoomWithKind(roomId);
      if (!found) return next(handshakeError(errorBody('ROOM_NOT_FOUND')));
      const { room, kind } = found;
      try {
        resolution = await interviews.resolve(roomId, { account, guestToken }, sessionId, kind);
      } catch (err) {
        if (err instanceof AppError) return next(handshakeError(err.toBody()));
        throw err;
      }
      const host = socket.handshake.headers.host ?? 'localhost';
      const lobby = resolution.kind === 'lobby' ? resolution.participant : null;
      const member: Member =
        resolution.kind === 'lobby'
          ? {
              roomId,
              role: 'candidate',
              participantId: lobby!.id,
              accountId: null,
              name: lobby!.name,
              sessionId,
            }
          : resolution.member;
      const session = lobby ? null : await registry.acquire(roomId);
      if (session && resolution.kind === 'member') session.control = resolution.interview;
      socket.data = {
        roomId,
        sessionId,
        // In interview rooms the name is the stored one (account or lobby request), not the handshake's.
        name: resolution.kind === 'scratch' ? name : member.name,
        color: color ?? PALETTE[Math.abs(hash(sessionId)) % PALETTE.length]!,
        session,
        baseUrl: config.publicUrl ?? `${socket.handshake.secure ? 'https' : 'http'}://${host}`,
        room,
        member,
        lobby,
        account,
      };
      next();
    } catch (err) {
      logger.error({ err, roomId }, 'handshake failed');
      next(handshakeError(errorBody('ROOM_UNAVAILABLE')));
    }
  };
}

/**
 * Engine.IO's stand-in response of a WebSocket upgrade, by its request. It
 * holds the request for as long as the connection lasts (through a `close`
 * listener on the TCP socket), so `releaseHandshakeRequest` has to cut that
 * link too.
 */
const upgradeResponses = new WeakMap<object, { req?: unknown }>();

/**
 * Records the response object of every WebSocket upgrade (an Engine.IO
 * middleware: it runs for every HTTP request on the socket path, after the
 * CORS one). Long-polling responses are Node's own and end with their request.
 */
export function recordUpgradeResponses(io: IoServer): void {
  io.engine.use((req: IncomingMessage, res: unknown, next: () => void) => {
    if (!(res instanceof ServerResponse)) upgradeResponses.set(req, res as { req?: unknown });
    next();
  });
}

/**
 * Lets go of the upgrade request (its headers, raw headers, the headers the
 * CORS middleware set, and the response object's hold on it) that Engine.IO
 * and Socket.IO keep for the socket's lifetime. The handshake middleware is
 * the only reader of the headers, and it runs again on every connect,
 * recovered or not.
 */
export function releaseHandshakeRequest(socket: IoSocket): void {
  const conn = socket.conn as { request: object | undefined };
  const res = conn.request !== undefined ? upgradeResponses.get(conn.request) : undefined;
  if (res) res.req = undefined;
  conn.request = undefined;
  socket.handshake.headers = {};
}

function hash(s: string): number {
  let h = 0;
  for (let i = 0; i < s.length; i++) h = (h * 31 + s.charCodeAt(i)) | 0;
  return h;
}
