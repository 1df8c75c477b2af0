/**
 * The persistence seam. One implementation on Kysely serves both shapes:
 * PGlite (embedded, under DATA_DIR) and PostgreSQL (DATABASE_URL), with the
 * same SQL and the same migrations. Every implementation must pass
 * `store.contract.ts`.
 */
import type { LanguageId, Room, RunView, Verdict } from '@tandem/protocol';
import type { SentLog } from '@tandem/jobs';
import type { AccountStore } from './account-types.js';
import type { IdentityStore, ProfileFileStore } from './profile-types.js';

export type * from './account-types.js';
import type { InterviewStore } from './interview-types.js';
export type * from './interview-types.js';
export type * from './profile-types.js';

/** A scratch room, or an interview's room (it has an `interviews` row). */
export type RoomKind = Room['kind'];

export interface StoredRoom {
  id: string;
  title: string;
  language: LanguageId;
  createdAt: Date;
}

/** One Yjs update (V2 encoding) as received from a client. */
export interface UpdateRecord {
  roomId: string;
  /** Who made it: a session id today, an account id once accounts exist. */
  author: string;
  update: Uint8Array;
  at: Date;
}

export interface StoredUpdate extends UpdateRecord {
  /** Position in the log; increases with every append, per room in commit order. */
  seq: number;
}

/** What loading a document needs: the latest snapshot and every update after it. */
export interface LoadedDoc {
  /** Merged state (V2) covering every update with seq <= snapshotSeq, or null. */
  snapshot: Uint8Array | null;
  snapshotSeq: number;
  /** Updates with seq > snapshotSeq, in seq order. */
  updates: Uint8Array[];
  /** The highest seq of this room's log (0 when empty). */
  lastSeq: number;
}

/** An entry of a room's timeline: every command, run and signal (replay reads these). */
export interface TimelineEntry {
  roomId: string;
  type: string;
  /** Session or account that caused it; null for the system. */
  actor: string | null;
  payload: Record<string, unknown>;
  at: Date;
}

export interface StoredTimelineEntry extends TimelineEntry {
  id: number;
}

export interface RoomPatch {
  title?: string;
  language?: LanguageId;
}

/** A run as stored: the request, and its outcome once finished. */
export interface StoredRun {
  id: string;
  roomId: string | null;
  /** Session (later account) id, and the display name shown to the room. */
  requestedBy: string;
  requestedByName: string;
  language: string;
  problemId: string | null;
  source: string;
  stdin: string;
  status: 'queued' | 'running' | 'finished';
  verdict: Verdict | null;
  backend: 'bubblewrap' | 'wasm' | null;
  outcome: Pick<RunView, 'compile' | 'result' | 'cases' | 'summary'> | null;
  createdAt: Date;
  finishedAt: Date | null;
}

/** Runs: their requests, states and results. Queued rows are the persisted queue. */
export interface RunStore {
  /**
   * Stores a new run and its `run.requested` timeline entry (if in a room) in
   * one transaction: queued, or running on `startedOn` when it went straight
   * to a worker (which spares a `markRunning`).
   */
  create(
    run: Omit<StoredRun, 'status' | 'verdict' | 'backend' | 'outcome' | 'finishedAt'>,
    startedOn?: 'bubblewrap' | 'wasm',
  ): Promise<void>;
  markRunning(id: string, backend: 'bubblewrap' | 'wasm'): Promise<void>;
  /** Stores the result and its `run.finished` timeline entry (if in a room) in one transaction. */
  finish(
    id: string,
    result: {
      verdict: Verdict;
      backend: 'bubblewrap' | 'wasm' | null;
      outcome: StoredRun['outcome'];
      finishedAt: Date;
    },
  ): Promise<StoredRun | null>;
  get(id: string): Promise<StoredRun | null>;
  latestInRoom(roomId: string): Promise<StoredRun | null>;
  /** Runs not finished (queued or running), oldest first: what a restarted node must run again. */
  unfinished(): Promise<StoredRun[]>;
}

/** A job of the embedded queue as stored. */
export interface StoredJob {
  id: string;
  name: string;
  payload: unknown;
  idempotencyKey: string;
  status: 'queued' | 'running' | 'done' | 'failed';
  /** Attempts started, this one included once claimed. */
  attempts: number;
  maxAttempts: number;
  backoffMs: number;
  lastError: string | null;
}

/**
 * The jobs table behind the embedded queue. Every change of a running job
 * names its holder (`owner`) and does nothing (returns false) once another
 * holder took it over after the lease ran out.
 */
export interface JobStore {
  /** Adds a queued job unless one with this name and key exists; the id of the job that stands. */
  add(job: {
    id: string;
    name: string;
    payload: unknown;
    idempotencyKey: string;
    maxAttempts: number;
    backoffMs: number;
  }): Promise<{ id: string; created: boolean }>;
  /**
   * Takes the oldest due job among `names` for `owner` during `leaseMs`: a
   * queued one whose time has come, or a running one whose lease ran out.
   * Counts an attempt. Several takers never get the same job.
   */
  claim(names: readonly string[], owner: string, leaseMs: number): Promise<StoredJob | null>;
  renew(id: string, owner: string, leaseMs: number): Promise<boolean>;
  complete(id: string, owner: string): Promise<boolean>;
  /** Queues the job again in `retryInMs`, or (null) fails it for good; keeps `error`. */
  fail(id: string, owner: string, error: string, retryInMs: number | null): Promise<boolean>;
  get(id: string): Promise<StoredJob | null>;
  /** Deletes done and failed jobs finished more than `olderThanMs` ago; how many. */
  purgeFinished(olderThanMs: number): Promise<number>;
}

/**
 * A room and whether it is an interview, as `getRoomWithKind` returns it;
 * never changed once returned (a cache hands out the same object).
 */
export type RoomWithKind = { readonly room: StoredRoom; readonly kind: RoomKind };

export interface Store {
  readonly runs: RunStore;
  readonly jobs: JobStore;
  /** Which emails went out: the mail jobs' guard against sending twice (embedded shape). */
  readonly sentMail: SentLog;
  readonly accounts: AccountStore;
  readonly interviews: InterviewStore;
  readonly identities: IdentityStore;
  readonly profileFiles: ProfileFileStore;
  /** Creates the room and its `room.created` timeline entry in one transaction. */
  createRoom(
    room: { id: string; title: string; language: LanguageId },
    actor: string | null,
  ): Promise<StoredRoom>;
  getRoom(id: string): Promise<StoredRoom | null>;
  /** The room and whether it is an interview, in one query (GET /api/rooms/:id). */
  getRoomWithKind(id: string): Promise<RoomWithKind | null>;
  /**
   * What `getRoomWithKind` would answer, when a cache in front of the store
   * holds it now; undefined when it would have to be read. Lets the room
   * read answer without waiting for a promise. Only caches implement it.
   */
  heldRoomWithKind?(id: string): RoomWithKind | undefined;
  /**
   * Applies the patch and appends `entry` to the timeline in one transaction.
   * Returns null (and writes nothing) when the room does not exist.
   */
  updateRoom(
    id: string,
    patch: RoomPatch,
    entry: Omit<TimelineEntry, 'roomId'>,
  ): Promise<StoredRoom | null>;

  /**
   * Appends updates (possibly of several rooms) in ONE transaction, in array order.
   * Resolves only after the commit; on failure nothing of the batch is stored.
   * Rejects (UnknownRoomError in the SQL store) when a record names a missing room.
   */
  appendUpdates(records: readonly UpdateRecord[]): Promise<void>;
  /** Snapshot plus the updates after it. Never writes. */
  loadDoc(roomId: string): Promise<LoadedDoc>;
  /**
   * Stores `state` as the snapshot covering seq <= `upToSeq`, only if that is newer
   * than the stored snapshot (a late compaction never replaces a newer one).
   * The log itself is never pruned: replay reads it.
   * Rejects with a RangeError when `upToSeq` is beyond the room's last seq: such a
   * snapshot would hide the updates that later take those numbers.
   */
  writeSnapshot(roomId: string, upToSeq: number, state: Uint8Array): Promise<void>;
  /**
   * The log in seq order, for replay and compaction: seq > afterSeq, at most `limit` rows.
   * Bytes come back as plain Uint8Arrays whichever driver runs.
   */
  readUpdates(roomId: string, afterSeq: number, limit: number): Promise<StoredUpdate[]>;
  /**
   * `readUpdates` for many rooms in one round trip (the cluster's replica
   * repair): for each room of `after` (room id → afterSeq), its updates with
   * seq > afterSeq in seq order, at most `limitPerRoom` of them. A room with
   * none is absent from the answer. Rooms that do not exist read as empty.
   */
  readUpdatesOfRooms(
    after: ReadonlyMap<string, number>,
    limitPerRoom: number,
  ): Promise<Map<string, StoredUpdate[]>>;

  /** Appends in one transaction, in array order; rejects, storing nothing, if a room is missing. */
  appendTimeline(entries: readonly TimelineEntry[]): Promise<void>;
  readTimeline(roomId: string, afterId: number, limit: number): Promise<StoredTimelineEntry[]>;

  /** Resolves when the database answers a trivial query (readiness). */
  ping(): Promise<void>;
  close(): Promise<void>;
}
