import { io, type Socket } from 'socket.io-client';
import * as Y from 'yjs';
import {
  Awareness,
  applyAwarenessUpdate,
  encodeAwarenessUpdate,
  removeAwarenessStates,
} from 'y-protocols/awareness';
import {
  DOC_TEXT_KEY,
  PROTOCOL_VERSION,
  SOCKET_PATH,
  TERMINAL_CLOSE_CODES,
  errorBody,
  type Ack,
  type ClientToServerEvents,
  type CommandResult,
  type ErrorBody,
  type InterviewCommand,
  type InterviewState,
  type LobbyStatus,
  type ScorecardBody,
  type ScorecardView,
  type SessionRole,
  type StaffView,
  type Room,
  type RoomCommand,
  type RunRequest,
  type RunView,
  type ServerToClientEvents,
  type Welcome,
} from '@tandem/protocol';
import { bytes } from './binary.js';
import { Emitter } from './emitter.js';
import { TandemError, isErrorBody } from './errors.js';
import { PendingUpdates } from './pending.js';
import {
  REFUSED_EDIT_CODES,
  RETRIED_HANDSHAKE_CODES,
  TERMINAL_HANDSHAKE_CODES,
  closeError,
} from './refusals.js';
import { NotesSync } from './notes.js';
import type {
  ConnectionStatus,
  RoomConnectionEvents,
  RoomConnectionOptions,
} from './room-connection-options.js';

export type { ConnectionStatus, RoomConnectionOptions } from './room-connection-options.js';

type ClientSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

/**
 * One participant's live connection to a room: keeps `doc` in sync with the
 * server and everyone else, shares presence through `awareness`, and never
 * forgets a local edit until the server has acknowledged it as saved.
 *
 * @example
 * const conn = new RoomConnection({ url, roomId, name: 'Ada' });
 * await conn.whenSynced();
 * conn.text.insert(0, 'print("hi")');
 * await conn.whenSaved();
 */
export class RoomConnection extends Emitter<RoomConnectionEvents> {
  readonly doc: Y.Doc;
  readonly text: Y.Text;
  readonly awareness: Awareness;
  readonly socket: ClientSocket;

  status: ConnectionStatus = 'connecting';
  room: Room | null = null;
  self: Welcome['self'] | null = null;
  synced = false;
  lastError: ErrorBody | null = null;
  /**
   * The server said its saving waits for its database (`saving:status`): edits
   * are shared and kept, and acknowledged once saved. Reset on disconnect.
   */
  savingDelayed = false;
  /** The stored role, from the welcome; null until then (and in the lobby). */
  role: SessionRole | null = null;
  interview: InterviewState | null = null;
  /** Staff only; candidates never receive it. */
  staff: StaffView | null = null;
  /** Set while this candidate waits in the lobby (or was denied). */
  lobby: LobbyStatus | null = null;
  private notesSync: NotesSync | null = null;

  private readonly pending = new PendingUpdates();
  private readonly ackTimeoutMs: number;
  private resyncTimer: ReturnType<typeof setInterval> | undefined;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  private retryDelayMs = 250;
  private destroyed = false;
  /** Once synced, a lost connection is "reconnecting" (or "offline"), never "connecting" again. */
  private everSynced = false;

  constructor(private readonly options: RoomConnectionOptions) {
    super();
    this.doc = options.doc ?? new Y.Doc();
    this.text = this.doc.getText(DOC_TEXT_KEY);
    this.awareness = new Awareness(this.doc);
    this.ackTimeoutMs = options.ackTimeoutMs ?? 10_000;

    this.socket = io(options.url, {
      path: SOCKET_PATH,
      transports: ['websocket', 'polling'],
      tryAllTransports: true,
      reconnectionDelay: 250,
      reconnectionDelayMax: 2_000,
      ...options.socket,
      // A function, so every reconnect sends the access token current at that time.
      auth: (send) => {
        const accessToken = options.accessToken?.() ?? undefined;
        send({
          v: PROTOCOL_VERSION,
          roomId: options.roomId,
          name: options.name,
          color: options.color,
          ...(accessToken !== undefined && { accessToken }),
          ...(options.guestToken !== undefined && { guestToken: options.guestToken }),
        });
      },
    });

    this.doc.on('updateV2', this.onLocalUpdate);
    this.awareness.on('update', this.onLocalAwareness);
    this.bindSocket();

    const every = options.resyncIntervalMs ?? 30_000;
    if (every > 0) this.resyncTimer = setInterval(() => void this.resync(), every);
  }

  /**
   * Whether the current connection resumed the one before it: the server
   * replayed the events missed meanwhile (Socket.IO's connection-state
   * recovery, allowed only while this participant's role, lobby status and
   * sign-in are unchanged). The welcome and the sync follow either way.
   */
  get recovered(): boolean {
    return this.socket.connected && this.socket.recovered === true;
  }

  /** Number of local edits not yet acknowledged as saved. */
  get pendingCount(): number {
    return this.pending.size;
  }

  /** Resolves once the first sync with the server has completed. */
  whenSynced(): Promise<void> {
    return this.when(() => this.synced, 'synced');
  }

  /** Resolves once every local edit so far is acknowledged as saved. */
  whenSaved(): Promise<void> {
    return this.when(() => this.synced && this.pending.size === 0, 'pending');
  }

  setLanguage(language: Room['language']): Promise<Room> {
    return this.command({ type: 'set-language', language });
  }

  setTitle(title: string): Promise<Room> {
    return this.command({ type: 'set-title', title });
  }

  /**
   * Runs code in the room's sandbox (or judges it when `problemId` is set).
   * Resolves with the queued run; progress and the result reach everyone in
   * the room, this client included, as `run` events.
   */
  async run(request: RunRequest): Promise<RunView> {
    const reply = await this.socket.timeout(this.ackTimeoutMs).emitWithAck('run:start', request);
    if (!reply.ok) throw new TandemError(reply);
    return reply.run;
  }

  /** Stops a queued or running run of this room. */
  async cancelRun(runId: string): Promise<void> {
    const reply = await this.socket.timeout(this.ackTimeoutMs).emitWithAck('run:cancel', { runId });
    if (!reply.ok) throw new TandemError(reply);
  }

  /** An interviewer control; the server checks the stored role. */
  async control(command: InterviewCommand): Promise<CommandResult> {
    const reply = await this.socket
      .timeout(this.ackTimeoutMs)
      .emitWithAck('interview:command', command);
    if (!reply.ok) throw new TandemError(reply);
    this.setInterview(reply.state);
    return reply;
  }

  /** Saves this interviewer's scorecard. */
  async saveScorecard(scorecard: ScorecardBody): Promise<ScorecardView> {
    const reply = await this.socket
      .timeout(this.ackTimeoutMs)
      .emitWithAck('scorecard:save', scorecard);
    if (!reply.ok) throw new TandemError(reply);
    return reply.scorecard;
  }

  /**
   * The private notes (staff only): a Yjs document synced on every
   * (re)connect. Created on first use.
   */
  notes(): NotesSync {
    if (!this.notesSync) {
      this.notesSync = new NotesSync(this.socket, this.ackTimeoutMs, (err) => this.fail(err));
      if (this.synced) void this.notesSync.sync();
    }
    return this.notesSync;
  }

  /** Drops the connection; edits keep accumulating locally and are sent after `reconnect()`. */
  disconnect(): void {
    this.socket.disconnect();
    this.onDisconnected();
  }

  reconnect(): void {
    if (this.destroyed || this.status === 'closed') return;
    this.socket.connect();
  }

  destroy(): void {
    if (this.destroyed) return;
    removeAwarenessStates(this.awareness, [this.doc.clientID], 'local');
    this.destroyed = true;
    clearInterval(this.resyncTimer);
    clearTimeout(this.retryTimer);
    this.doc.off('updateV2', this.onLocalUpdate);
    this.awareness.off('update', this.onLocalAwareness);
    this.awareness.destroy();
    this.notesSync?.destroy();
    this.socket.disconnect();
    this.setStatus('closed');
    this.removeAllListeners();
  }

  private bindSocket(): void {
    const s = this.socket;
    s.on('session:welcome', (welcome) => {
      this.self = welcome.self;
      this.role = welcome.self.role;
      this.lobby = null;
      if (welcome.interview) this.setInterview(welcome.interview);
      this.setRoom(welcome.room);
      if (this.notesSync) void this.notesSync.sync();
      this.retryDelayMs = 250;
      void this.sync();
    });
    s.on('doc:update', (update) => {
      try {
        Y.applyUpdateV2(this.doc, bytes(update), this);
      } catch {
        this.fail(
          errorBody('MALFORMED_UPDATE', 'the server sent an update this client cannot read'),
        );
      }
    });
    s.on('awareness:update', (update) => {
      try {
        applyAwarenessUpdate(this.awareness, bytes(update), this);
      } catch {
        // A malformed presence message only costs a cursor; the document is unaffected.
      }
    });
    s.on('room:state', (room) => this.setRoom(room));
    s.on('run:update', (run) => this.emit('run', run));
    s.on('interview:state', (state) => this.setInterview(state));
    s.on('interview:staff', (staff) => {
      this.staff = staff;
      this.emit('staff', staff);
    });
    s.on('lobby:status', (status) => {
      this.lobby = status;
      this.emit('lobby', status);
      // Admitted: a new handshake enters the room with the stored role.
      if (status.status === 'admitted') {
        s.disconnect();
        s.connect();
      }
    });
    s.on('protocol:error', (err) => this.fail(err));
    s.on('saving:status', ({ saving }) => this.setSavingDelayed(saving === 'delayed'));
    s.on('session:closed', ({ code, reason }) => {
      if (TERMINAL_CLOSE_CODES.includes(code)) {
        this.lastError = { code: closeError(code), message: reason };
        this.emit('error', this.lastError);
        this.setStatus('closed');
      }
    });
    s.on('connect_error', (err) => {
      const data = (err as Error & { data?: unknown }).data;
      if (isErrorBody(data)) {
        this.fail(data);
        if (TERMINAL_HANDSHAKE_CODES.includes(data.code)) {
          s.disconnect();
          this.setStatus('closed');
          return;
        }
        // A refused handshake is not retried by Socket.IO. A stale access token
        // is retried here (`accessToken()` gives the refreshed one, or none),
        // and so is a server that could not load the room (its database
        // restarting, say): it will, in a moment.
        if (
          (data.code === 'SESSION_EXPIRED' && this.options.accessToken !== undefined) ||
          RETRIED_HANDSHAKE_CODES.includes(data.code)
        ) {
          this.retryTimer = setTimeout(() => this.reconnect(), this.retryDelayMs);
          this.retryDelayMs = Math.min(this.retryDelayMs * 2, 5_000);
        }
      }
      this.setStatus(this.everSynced ? this.disconnectedStatus() : 'connecting');
    });
    s.on('disconnect', (reason) => {
      this.onDisconnected();
      // The server ended the session without a terminal code (shutdown, restart):
      // Socket.IO does not retry on its own in that case.
      if (reason === 'io server disconnect' && this.status !== 'closed' && !this.destroyed) {
        this.retryTimer = setTimeout(() => this.reconnect(), this.retryDelayMs);
        this.retryDelayMs = Math.min(this.retryDelayMs * 2, 5_000);
      }
    });
  }

  private onDisconnected(): void {
    this.synced = false;
    this.setSavingDelayed(false);
    this.pending.releaseAll();
    const others = [...this.awareness.getStates().keys()].filter((id) => id !== this.doc.clientID);
    removeAwarenessStates(this.awareness, others, this);
    if (this.status !== 'closed') this.setStatus(this.disconnectedStatus());
  }

  private disconnectedStatus(): ConnectionStatus {
    const online = typeof navigator === 'undefined' || navigator.onLine !== false;
    return online ? 'reconnecting' : 'offline';
  }

  /**
   * Sync step 1 and 2 in both directions: receive what we lack, then send what
   * the server lacks together with everything not yet acknowledged.
   */
  private async sync(): Promise<void> {
    let reply: Ack<{ update: Uint8Array; sv: Uint8Array }>;
    const connection = this.socket.id;
    try {
      reply = await this.socket
        .timeout(this.ackTimeoutMs)
        .emitWithAck('sync:step1', Y.encodeStateVector(this.doc));
    } catch {
      // Timed out. A synced connection leaves it to the resync tick; one not
      // synced yet asks again (a busy server answers late, not never), unless
      // it has been replaced by a new connection, whose welcome syncs it.
      if (!this.synced && !this.destroyed && this.socket.connected && this.socket.id === connection)
        void this.sync();
      return;
    }
    if (!reply.ok) return this.fail(reply);
    Y.applyUpdateV2(this.doc, bytes(reply.update), this);

    const serverSv = Y.decodeStateVector(bytes(reply.sv));
    const ours = Y.decodeStateVector(Y.encodeStateVector(this.doc));
    const serverLacks = [...ours].some(([client, clock]) => (serverSv.get(client) ?? 0) < clock);
    if (serverLacks) this.pending.add(Y.encodeStateAsUpdateV2(this.doc, bytes(reply.sv)));
    this.sendPending(true);

    const wasSynced = this.synced;
    // A new connection's server has no presence of ours yet; a resync's still has it.
    const local = this.awareness.getLocalState();
    if (local !== null && !wasSynced) {
      // When we dropped, our presence was removed one clock step past ours, and
      // a state counts only with a newer clock: step past the removal (before
      // `synced`, so these steps are not sent on their own).
      this.awareness.setLocalState(local);
      this.awareness.setLocalState(local);
    }
    this.synced = true;
    this.everSynced = true;
    this.setStatus('connected');
    if (local !== null && !wasSynced)
      this.socket.emit(
        'awareness:update',
        encodeAwarenessUpdate(this.awareness, [this.doc.clientID]),
      );
    if (!wasSynced) this.emit('synced');
    this.emit('pending', this.pending.size);
  }

  private async resync(): Promise<void> {
    if (!this.synced || !this.socket.connected) return;
    await this.sync();
  }

  private readonly onLocalUpdate = (update: Uint8Array, origin: unknown): void => {
    if (origin === this) return;
    this.pending.add(update);
    this.emit('pending', this.pending.size);
    if (this.synced) this.sendPending(false);
  };

  private sendPending(all: boolean): void {
    if (!this.socket.connected) return;
    const batch = all ? this.pending.takeAll() : this.pending.takeUnsent();
    if (!batch) return;
    this.socket.timeout(this.ackTimeoutMs).emit('doc:update', batch.update, (err, reply) => {
      if (reply && !reply.ok && REFUSED_EDIT_CODES.includes(reply.code)) {
        // The server will never take this edit (locked, ended, read-only): drop it.
        this.pending.acknowledge(batch.ids);
        this.emit('pending', this.pending.size);
        this.fail(reply);
        return;
      }
      if (err || !reply.ok) {
        this.pending.release(batch.ids);
        if (reply && !reply.ok) this.fail(reply);
        this.scheduleRetry();
        return;
      }
      this.pending.acknowledge(batch.ids);
      this.emit('pending', this.pending.size);
    });
  }

  private scheduleRetry(): void {
    clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(() => this.sendPending(false), this.retryDelayMs);
    this.retryDelayMs = Math.min(this.retryDelayMs * 2, 5_000);
  }

  private readonly onLocalAwareness = (
    change: { added: number[]; updated: number[]; removed: number[] },
    origin: unknown,
  ): void => {
    if (origin === this || !this.synced) return;
    const changed = [...change.added, ...change.updated, ...change.removed];
    this.socket.emit('awareness:update', encodeAwarenessUpdate(this.awareness, changed));
  };

  private async command(command: RoomCommand): Promise<Room> {
    const reply = await this.socket.timeout(this.ackTimeoutMs).emitWithAck('room:command', command);
    if (!reply.ok) throw new TandemError(reply);
    this.setRoom(reply.room);
    return reply.room;
  }

  private setInterview(state: InterviewState): void {
    this.interview = state;
    this.emit('interview', state);
  }

  private setRoom(room: Room): void {
    this.room = room;
    this.emit('room', room);
  }

  private setStatus(status: ConnectionStatus): void {
    if (this.status === status || (this.status === 'closed' && status !== 'closed')) return;
    this.status = status;
    this.emit('status', status);
  }

  private setSavingDelayed(delayed: boolean): void {
    if (this.savingDelayed === delayed) return;
    this.savingDelayed = delayed;
    this.emit('saving', delayed);
  }

  private fail(err: ErrorBody): void {
    this.lastError = err;
    this.emit('error', err);
  }

  private when(done: () => boolean, event: 'synced' | 'pending'): Promise<void> {
    if (done()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const offs: (() => void)[] = [];
      const finish = (fn: () => void) => {
        offs.forEach((off) => off());
        fn();
      };
      offs.push(this.on(event, () => done() && finish(resolve)));
      offs.push(this.on('synced', () => done() && finish(resolve)));
      offs.push(
        this.on('status', (s) => {
          if (s === 'closed')
            finish(() =>
              reject(
                new TandemError(this.lastError ?? errorBody('NOT_FOUND', 'connection closed')),
              ),
            );
        }),
      );
    });
  }
}
