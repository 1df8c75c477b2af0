import type { Server as HttpServer } from 'node:http';
import { Server } from 'socket.io';
import {
  CLOSE_CODES,
  InterviewCommandSchema,
  ScorecardBodySchema,
  isStaff,
  PROTOCOL_VERSION,
  RoomCommandSchema,
  RunRequestSchema,
  SOCKET_PATH,
} from '@tandem/protocol';
import { encodeAwarenessUpdate } from 'y-protocols/awareness';
import type { Authenticator } from '../auth/principal.js';
import type { Sessions } from '../auth/sessions.js';
import type { Config } from '../config.js';
import type { InterviewService } from '../interviews/interview-service.js';
import { appendNoteUpdate, notesSyncReply } from '../interviews/notes.js';
import { authorize, checkControls } from '../interviews/permissions.js';
import { AppError, toErrorBody } from '../errors.js';
import type { Logger } from '../logger.js';
import { socketOriginAllowed } from '../http/security.js';
import { refuseBadText } from '../http/text-guard.js';
import { originAllowlist } from '../auth/origin.js';
import { applyRoomCommand } from '../rooms/room-commands.js';
import { toRoom } from '../rooms/room-view.js';
import type { Store } from '../store/store.js';
import type { UpdateBatcher } from './batcher.js';
import { AbuseMeter } from './abuse-meter.js';
import type { RoomRegistry } from './room-registry.js';
import type { RunService } from '../runs/run-service.js';
import type { Cluster } from './cluster.js';
import { channelsOf, installBroadcasts, standingOf, staffChannel } from './broadcasts.js';
import { adapterOptions } from './recovery-adapter.js';
import { RecoveryGate } from './recovery-gate.js';
import {
  checkHandshake,
  recordUpgradeResponses,
  releaseHandshakeRequest,
  type IoServer,
  type IoSocket,
} from './socket-handshake.js';
import { z } from 'zod';

type AckFn = (reply: unknown) => void;

export interface SocketServerDeps {
  runs: RunService;
  interviews: InterviewService;
  config: Config;
  store: Store;
  registry: RoomRegistry;
  batcher: UpdateBatcher;
  logger: Logger;
  auth: Authenticator;
  /** Ends the sockets of sign-ins that end. */
  sessions: Sessions;
  /** Set with REDIS_URL: fan-out, replicas and presence across nodes. */
  cluster?: Cluster | undefined;
}

function asBinary(value: unknown, maxBytes: number, what: string): Uint8Array {
  if (!(value instanceof Uint8Array))
    throw new AppError('MALFORMED_MESSAGE', `${what} must be binary`);
  if (value.byteLength > maxBytes) {
    throw new AppError(
      'PAYLOAD_TOO_LARGE',
      `${what} is ${value.byteLength} bytes; the limit is ${maxBytes}`,
    );
  }
  return value;
}

/**
 * The socket edge: checks each handshake, joins the room, and handles every
 * client event in one exhaustive switch. Payloads are validated here; the room
 * logic behind it trusts its inputs.
 */
export function attachSocketServer(httpServer: HttpServer, deps: SocketServerDeps): IoServer {
  const { config, store, registry, batcher, logger, runs, cluster, interviews } = deps;
  const authenticator = deps.auth;
  const io: IoServer = new Server(httpServer, {
    path: SOCKET_PATH,
    // Frames up to 4x the update limit reach our checks (and get a clear error);
    // anything larger is cut off by the transport before it is buffered.
    maxHttpBufferSize: config.maxUpdateBytes * 4,
    serveClient: false,
    ...adapterOptions({
      recoveryMs: config.socketRecoveryMs,
      cluster,
      gate: new RecoveryGate(store),
      logger,
    }),
    // Cross-origin polling needs CORS headers, for the configured allowlist only.
    cors: { origin: [...(originAllowlist(config) ?? [])], credentials: true },
    allowRequest: (req, callback) => {
      const ok = socketOriginAllowed(config, req);
      if (!ok) logger.info({ origin: req.headers.origin }, 'socket refused: origin not allowed');
      callback(ok ? null : 'ORIGIN_NOT_ALLOWED', ok);
    },
    perMessageDeflate: {
      threshold: 2048, // a join's sync reply, never keystrokes (docs/DECISIONS.md)
      serverNoContextTakeover: true, // ws applies `threshold` only without context takeover
      zlibDeflateOptions: { level: 1 },
    },
  });

  recordUpgradeResponses(io);
  installBroadcasts(io, {
    runs,
    interviews,
    sessions: deps.sessions,
    registry,
    clustered: cluster !== undefined,
  });

  io.use(checkHandshake({ config, store, registry, interviews, auth: authenticator, logger }));

  io.on('connection', (socket) => onConnection(socket));
  /**
   * A presence change: to this node's clients in the room (but `from`), and
   * to the other nodes in one message that each applies to its replica and
   * hands to its own clients (cluster.ts), not also as a room broadcast.
   */
  const sharePresence = (roomId: string, update: Uint8Array, from?: IoSocket) => {
    (from ?? io).local.to(roomId).emit('awareness:update', update);
    if (cluster?.hasPeers) io.serverSideEmit('replica:awareness', roomId, update);
  };
  cluster?.attach(io, {
    countNodes: () => io.of('/').adapter.serverCount(),
    presenceToPeers: (roomId, update) => io.serverSideEmit('replica:awareness', roomId, update),
    presenceToClients: (roomId, update) => io.local.to(roomId).emit('awareness:update', update),
    updateToClients: (roomId, update) => io.local.to(roomId).emit('doc:update', update),
  });
  if (cluster) {
    io.on('interview:controls', (roomId) => {
      registry.ifLoaded(roomId, (session) => {
        store.interviews.get(roomId).then(
          (interview) => {
            session.control = interview;
          },
          (err: unknown) => logger.warn({ err, roomId }, 'interview controls could not be re-read'),
        );
      });
    });
  }

  /**
   * What a socket needs made only if it logs, or sends an invalid message:
   * most sockets never do, so nothing is kept for them.
   */
  const loggers = new WeakMap<IoSocket, Logger>();
  const abuseMeters = new WeakMap<IoSocket, AbuseMeter>();
  const log = (socket: IoSocket): Logger => {
    let child = loggers.get(socket);
    if (!child) {
      const { roomId, sessionId, member } = socket.data;
      child = logger.child({ roomId, sessionId, participantId: member.participantId });
      loggers.set(socket, child);
    }
    return child;
  };

  /**
   * The listeners are shared by every socket, not closures made for each:
   * Socket.IO calls them with the socket as `this`. An idle socket then
   * costs no function objects of ours.
   */
  function onEvent(this: IoSocket, raw: unknown, ...args: unknown[]): void {
    // Socket.IO's parser also accepts numbers as event names: they are unknown events, not a crash.
    const event = typeof raw === 'string' ? raw : String(raw);
    const ack = typeof args.at(-1) === 'function' ? (args.pop() as AckFn) : undefined;
    if (config.protocolTrace) log(this).debug({ event, args: args.length }, 'socket message');
    handle(this, event, args, ack)
      .catch((err: unknown) => refuse(this, event, err, ack))
      .catch((err: unknown) => log(this).error({ err, event }, 'refusing a socket message failed'));
  }

  function onDisconnect(this: IoSocket): void {
    const { roomId, session } = this.data;
    if (!session) return;
    const removed = session.removeConnection(this.id);
    if (removed.length > 0) {
      sharePresence(roomId, encodeAwarenessUpdate(session.awareness, removed));
    }
    registry.release(session);
  }

  function onConnection(socket: IoSocket): void {
    const { roomId, sessionId, member } = socket.data;
    releaseHandshakeRequest(socket);
    const channels = channelsOf(standingOf(socket.data));
    // A recovered socket is back in the channels it had; should its standing
    // have changed since the recovery was allowed, it leaves the ones it lost.
    for (const room of [...socket.rooms]) {
      if (room !== socket.id && !channels.includes(room)) void socket.leave(room);
    }
    void socket.join(channels);
    socket.onAny(onEvent);

    const { lobby, session } = socket.data;
    if (lobby || !session) {
      // A waiting candidate hears only about its own request; admission makes it reconnect.
      if (lobby) socket.emit('lobby:status', interviews.lobbyStatus(lobby));
      return;
    }
    session.addConnection(socket.id);
    socket.on('disconnect', onDisconnect);

    const staff = isStaff(member.role);
    const interview = session.control;
    // Presence set on other nodes reaches this node only when it changes; ask for it now.
    if (cluster?.hasPeers) io.serverSideEmit('replica:hello', roomId);
    socket.emit('session:welcome', {
      protocolVersion: PROTOCOL_VERSION,
      room: toRoom(socket.data.room, socket.data.baseUrl, interview ? 'interview' : 'scratch'),
      self: {
        sessionId,
        name: socket.data.name,
        color: socket.data.color,
        role: member.role,
        participantId: member.participantId,
      },
      interview: interview ? interviews.state(interview) : null,
    });
    // The room's latest run, so a joiner (or a client back from a dropped
    // connection, on any node) sees a result that finished while it was away.
    void runs.latestInRoom(roomId).then(
      (run) => {
        if (run) socket.emit('run:update', run);
      },
      (err: unknown) => log(socket).warn({ err }, 'latest run could not be read'),
    );
    if (staff && interview) {
      void interviews.staffView(roomId, interview).then(
        (view) => socket.emit('interview:staff', view),
        (err: unknown) => log(socket).warn({ err }, 'staff view failed'),
      );
    }
    if (batcher.delayed) socket.emit('saving:status', { saving: 'delayed' });
    const present = session.awarenessClients();
    if (present.length > 0)
      socket.emit('awareness:update', encodeAwarenessUpdate(session.awareness, present));
  }

  async function handle(
    socket: IoSocket,
    event: string,
    args: unknown[],
    ack: AckFn | undefined,
  ): Promise<void> {
    const { roomId, sessionId, member, lobby, session } = socket.data;
    if (lobby || !session) {
      log(socket).warn({ event }, 'lobby socket sent a room event; refused');
      throw new AppError('FORBIDDEN', 'Wait until an interviewer lets you in.');
    }
    switch (event) {
      case 'sync:step1': {
        const sv = asBinary(args[0], config.maxUpdateBytes, 'the state vector');
        requireAck(ack)({ ok: true, ...session.syncReply(sv) });
        return;
      }
      case 'doc:update': {
        const update = asBinary(args[0], config.maxUpdateBytes, 'the update');
        const reply = requireAck(ack);
        authorize(member, 'doc:edit', log(socket));
        checkControls(member, 'doc:edit', session.control);
        try {
          session.applyUpdate(update, socket.id);
        } catch (err) {
          await session.reload(store, batcher.uncommitted(roomId));
          throw err;
        }
        // Other nodes apply this same broadcast to their replicas (cluster.ts).
        socket.to(roomId).emit('doc:update', update);
        try {
          await batcher.add({ roomId, author: sessionId, update, at: new Date() });
        } catch (err) {
          log(socket).warn(
            { err },
            'commit failed; the client keeps the update and sends it again',
          );
          throw new AppError('STORE_UNAVAILABLE');
        }
        reply({ ok: true });
        return;
      }
      case 'awareness:update': {
        const update = asBinary(args[0], config.maxUpdateBytes, 'the presence update');
        session.applyAwareness(update, socket.id);
        sharePresence(roomId, update, socket);
        // Presence needs no answer, but a client that asked for one must not wait forever.
        ack?.({ ok: true });
        return;
      }
      case 'room:command': {
        const reply = requireAck(ack);
        const command = parse(RoomCommandSchema, args[0]);
        const action = command.type === 'set-title' ? 'room:set-title' : 'room:set-language';
        authorize(member, action, log(socket));
        checkControls(member, action, session.control);
        const updated = toRoom(
          await applyRoomCommand(store, roomId, command, sessionId),
          socket.data.baseUrl,
          session.control ? 'interview' : 'scratch',
        );
        socket.to(roomId).emit('room:state', updated);
        reply({ ok: true, room: updated });
        return;
      }
      case 'run:start': {
        const reply = requireAck(ack);
        const request = parse(RunRequestSchema, args[0]);
        authorize(member, 'run', log(socket));
        checkControls(member, 'run', session.control);
        const run = await runs.start(request, { id: sessionId, name: socket.data.name }, roomId);
        reply({ ok: true, run });
        return;
      }
      case 'run:cancel': {
        const reply = requireAck(ack);
        const { runId } = parse(RunCancelSchema, args[0]);
        authorize(member, 'run', log(socket));
        checkControls(member, 'run', session.control);
        await runs.cancel(runId, roomId);
        reply({ ok: true });
        return;
      }
      case 'interview:command': {
        const reply = requireAck(ack);
        const command = parse(InterviewCommandSchema, args[0]);
        reply({
          ok: true,
          ...(await interviews.command(member, command, socket.data.baseUrl, log(socket))),
        });
        return;
      }
      case 'notes:sync': {
        const reply = requireAck(ack);
        const sv = asBinary(args[0], config.maxUpdateBytes, 'the state vector');
        authorize(member, 'notes:read', log(socket));
        reply({ ok: true, ...(await notesSyncReply(store, roomId, sv)) });
        return;
      }
      case 'notes:update': {
        const reply = requireAck(ack);
        const update = asBinary(args[0], config.maxUpdateBytes, 'the notes update');
        authorize(member, 'notes:write', log(socket));
        await appendNoteUpdate(store, roomId, member.accountId ?? sessionId, update);
        socket.to(staffChannel(roomId)).emit('notes:update', update);
        reply({ ok: true });
        return;
      }
      case 'scorecard:save': {
        const reply = requireAck(ack);
        const body = parse(ScorecardBodySchema, args[0]);
        reply({ ok: true, scorecard: await interviews.saveScorecard(member, body, log(socket)) });
        return;
      }
      default:
        throw new AppError(
          'UNKNOWN_EVENT',
          `"${event.slice(0, 64)}" is not an event of this protocol`,
        );
    }
  }

  function refuse(socket: IoSocket, event: string, err: unknown, ack: AckFn | undefined): void {
    const body = { ...toErrorBody(err), event: event.slice(0, 64) };
    if (body.code === 'INTERNAL') log(socket).error({ err, event }, 'socket handler failed');
    else log(socket).info({ code: body.code, event }, 'socket message refused');
    if (ack) ack({ ok: false, ...body });
    else socket.emit('protocol:error', body);
    if (body.code !== 'STORE_UNAVAILABLE' && body.code !== 'INTERNAL' && abuseOf(socket).hit()) {
      log(socket).warn('too many invalid messages; disconnecting');
      socket.emit('session:closed', {
        code: CLOSE_CODES.ABUSE,
        reason: 'Too many invalid messages.',
      });
      socket.disconnect(true);
    }
  }

  function abuseOf(socket: IoSocket): AbuseMeter {
    let meter = abuseMeters.get(socket);
    if (!meter) {
      meter = new AbuseMeter(config.abuseLimit, 60_000);
      abuseMeters.set(socket, meter);
    }
    return meter;
  }

  return io;
}

const RunCancelSchema = z.object({ runId: z.string().max(64) });

/** Parses a payload; a mismatch is VALIDATION_FAILED naming the first offending field. */
function parse<T>(schema: z.ZodType<T>, value: unknown): T {
  refuseBadText(value);
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new AppError('VALIDATION_FAILED', issue?.message, issue?.path.join('.'));
  }
  return parsed.data;
}

function requireAck(ack: AckFn | undefined): AckFn {
  if (!ack) throw new AppError('MALFORMED_MESSAGE', 'this event needs an acknowledgement callback');
  return ack;
}
