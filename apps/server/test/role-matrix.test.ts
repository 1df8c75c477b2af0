/**
 * The role matrix: every interviewer command (over the socket and over
 * REST), every other socket event and every REST mutation of rooms and
 * interviews, tried by every role against a running server, with the
 * expected allow or deny. Authorisation comes from the role stored on the
 * server; the table below is written independently of the server's own.
 * A command, event or route without a row fails the coverage tests.
 */
import * as Y from 'yjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CLIENT_EVENTS,
  INTERVIEW_COMMAND_TYPES,
  PROTOCOL_VERSION,
  type ErrorCode,
  type InterviewCommand,
  type InterviewCommandType,
} from '@tandem/protocol';
import { TandemApiError, TandemError, type RoomConnection, type TandemApi } from '@tandem/client';
import { startServer, tempDir, type RunningServer } from './harness.js';
import {
  ACTORS,
  apiAs,
  castInterview,
  connectAs,
  signUp,
  type Actor,
  type Cast,
  type SignedIn,
} from './interview-cast.js';

/** Answers that mean "not allowed" (anything else got past authorisation). */
const DENIALS: readonly ErrorCode[] = ['FORBIDDEN', 'UNAUTHENTICATED', 'REMOVED', 'LOBBY_DENIED'];

const STEER: Actor[] = ['host', 'interviewer'];
const STAFF: Actor[] = ['host', 'interviewer', 'observer'];
const WRITERS: Actor[] = ['host', 'interviewer', 'candidate'];
const MEMBERS: Actor[] = ['host', 'interviewer', 'observer', 'candidate'];
const ACCOUNTS: Actor[] = ['host', 'interviewer', 'observer'];

const COMMANDS: Record<
  InterviewCommandType,
  { allow: Actor[]; make: (cast: Cast) => InterviewCommand }
> = {
  'set-problem': { allow: STEER, make: () => ({ type: 'set-problem', problemId: 'max-subarray' }) },
  'reveal-hint': { allow: STEER, make: () => ({ type: 'reveal-hint' }) },
  'set-editor-locked': { allow: STEER, make: () => ({ type: 'set-editor-locked', locked: true }) },
  'set-run-enabled': { allow: STEER, make: () => ({ type: 'set-run-enabled', enabled: false }) },
  end: { allow: ['host'], make: () => ({ type: 'end' }) },
  admit: { allow: STEER, make: (c) => ({ type: 'admit', participantId: c.targetId }) },
  deny: { allow: STEER, make: (c) => ({ type: 'deny', participantId: c.targetId }) },
  remove: { allow: STEER, make: (c) => ({ type: 'remove', participantId: c.targetId }) },
  'set-role': {
    allow: ['host'],
    make: (c) => ({ type: 'set-role', participantId: c.observerId, role: 'interviewer' }),
  },
  'rotate-link': { allow: ['host'], make: () => ({ type: 'rotate-link', link: 'candidate' }) },
};

type Outcome = { ok: true } | { ok: false; code: ErrorCode; message: string };

async function outcome(run: () => Promise<unknown>): Promise<Outcome> {
  try {
    await run();
    return { ok: true };
  } catch (err) {
    if (err instanceof TandemError) return { ok: false, code: err.code, message: err.message };
    throw err;
  }
}

/** An ack-carrying socket event; a connection that never got in is refused by construction. */
async function emit(conn: RoomConnection, event: string, payload: unknown): Promise<Outcome> {
  if (conn.status === 'closed') {
    return { ok: false, code: conn.lastError?.code ?? 'FORBIDDEN', message: 'not connected' };
  }
  const reply = (await conn.socket
    .timeout(10_000)
    .emitWithAck(event as 'doc:update', payload as Uint8Array)) as
    { ok: true } | { ok: false; code: ErrorCode; message: string };
  return reply.ok ? { ok: true } : { ok: false, code: reply.code, message: reply.message };
}

function expectOutcome(result: Outcome, allowed: boolean): void {
  if (allowed) {
    // Past authorisation: success, or a refusal that is not about who asked.
    if (!result.ok) expect(DENIALS, `${result.code}: ${result.message}`).not.toContain(result.code);
  } else {
    expect(result.ok, 'expected a refusal').toBe(false);
    if (!result.ok) expect(DENIALS).toContain(result.code);
  }
}

const anUpdate = () => {
  const doc = new Y.Doc();
  doc.getText('code').insert(0, 'x = 1\n');
  return Y.encodeStateAsUpdateV2(doc);
};
const aNotesUpdate = () => {
  const doc = new Y.Doc();
  doc.getText('notes').insert(0, 'Strong start.');
  return Y.encodeStateAsUpdateV2(doc);
};
const aScorecard = {
  ratings: { problemSolving: 3, codeQuality: 3, communication: 4, testing: null },
  recommendation: 'yes' as const,
  comments: 'Good.',
};

/** Socket events other than `interview:command`, with who may send them. */
const SOCKET_EVENTS: Record<string, { allow: Actor[]; payload: () => unknown }> = {
  'sync:step1': { allow: MEMBERS, payload: () => Y.encodeStateVector(new Y.Doc()) },
  'doc:update': { allow: WRITERS, payload: anUpdate },
  'room:command': { allow: WRITERS, payload: () => ({ type: 'set-language', language: 'go' }) },
  // An unknown language is refused after authorisation: no sandbox run is needed to tell.
  'run:start': { allow: WRITERS, payload: () => ({ language: 'cobol', source: 'x' }) },
  'run:cancel': { allow: WRITERS, payload: () => ({ runId: 'no-such-run' }) },
  'notes:sync': { allow: STAFF, payload: () => Y.encodeStateVector(new Y.Doc()) },
  'notes:update': { allow: STEER, payload: aNotesUpdate },
  'scorecard:save': { allow: STEER, payload: () => aScorecard },
};
/** Events not gated by role, and where they are tested instead. */
const NOT_ROLE_GATED: Record<string, string> = {
  'awareness:update': 'presence of any admitted member; ownership per client id (collab tests)',
};

/** REST routes of rooms and interviews that change something, with who may call them. */
const REST: Record<
  string,
  { allow: Actor[]; call: (api: TandemApi, cast: Cast) => Promise<unknown> }
> = {
  'POST /api/rooms': { allow: [...ACTORS], call: (api) => api.createRoom({ title: 'Scratch' }) },
  'POST /api/interviews': { allow: ACCOUNTS, call: (api) => api.createInterview({ title: 'Own' }) },
  'POST /api/interviews/:id/staff': {
    allow: ACCOUNTS,
    call: (api, c) => api.joinAsInterviewer(c.roomId, c.keys.interviewer),
  },
  // The candidate link is the credential: anyone holding it may ask (and then waits).
  'POST /api/interviews/:id/lobby': {
    allow: [...ACTORS],
    call: (api, c) => api.requestLobby(c.roomId, { key: c.keys.candidate, name: 'Again' }),
  },
  'POST /api/interviews/:id/commands': {
    allow: STEER,
    call: (api, c) => api.interviewCommand(c.roomId, { type: 'set-editor-locked', locked: true }),
  },
  'PUT /api/interviews/:id/scorecard': {
    allow: STEER,
    call: (api, c) => api.saveScorecard(c.roomId, aScorecard),
  },
  'POST /api/rooms/:id/runs': {
    allow: WRITERS,
    call: (api, c) => api.runInRoom(c.roomId, { language: 'cobol', source: 'x' }),
  },
};
/** Reads that are gated too. */
const REST_READS: Record<
  string,
  { allow: Actor[]; call: (api: TandemApi, cast: Cast) => Promise<unknown> }
> = {
  'GET /api/interviews/:id': { allow: STAFF, call: (api, c) => api.interview(c.roomId) },
  'GET /api/interviews/:id/notes': { allow: STAFF, call: (api, c) => api.notes(c.roomId) },
};

let server: RunningServer;
let remove: () => Promise<void>;
let staff: { host: SignedIn; interviewer: SignedIn; observer: SignedIn };
/** One interview for every refusal (refusals change nothing), with a socket per actor. */
let shared: Cast;
const sockets = new Map<Actor, RoomConnection>();
const opened: RoomConnection[] = [];

beforeAll(async () => {
  const tmp = await tempDir();
  remove = tmp.remove;
  // Hundreds of interviews and lobby requests from one IP: lift the per-IP limits.
  server = await startServer({
    dataDir: tmp.dir,
    env: {
      LOBBY_REQUEST_LIMIT: '100000',
      ROOM_CREATE_LIMIT: '100000',
      RUN_RATE_PER_USER: '100000',
      RUN_RATE_PER_ROOM: '100000',
    },
  });
  const [host, interviewer, observer] = await Promise.all([
    signUp(server, 'Hana'),
    signUp(server, 'Ivan'),
    signUp(server, 'Olga'),
  ]);
  staff = { host, interviewer, observer };
  shared = await castInterview(server, staff);
  for (const actor of ACTORS) {
    const conn = await connectAs(server, shared, actor);
    sockets.set(actor, conn);
    opened.push(conn);
  }
}, 180_000);

afterAll(async () => {
  for (const c of opened) c.destroy();
  await server?.stop();
  await remove?.();
});

/** A fresh interview for a cell that is expected to succeed (successes change state). */
async function fresh(actor: Actor): Promise<{ cast: Cast; conn: RoomConnection }> {
  const cast = await castInterview(server, staff);
  const conn = await connectAs(server, cast, actor);
  opened.push(conn);
  return { cast, conn };
}

describe('coverage', () => {
  it('has a row for every interviewer command', () => {
    expect(Object.keys(COMMANDS).sort()).toEqual([...INTERVIEW_COMMAND_TYPES].sort());
  });

  it('has a row for every client socket event', () => {
    const covered = [
      ...Object.keys(SOCKET_EVENTS),
      ...Object.keys(NOT_ROLE_GATED),
      'interview:command',
    ];
    expect(covered.sort()).toEqual([...CLIENT_EVENTS].sort());
  });

  it('has a row for every REST mutation of rooms and interviews', () => {
    const mutations = server.app.routes.filter((r) =>
      /^(POST|PUT|PATCH|DELETE) \/api\/(rooms|interviews)/.test(r),
    );
    expect(mutations.length).toBeGreaterThan(0);
    expect([...new Set(mutations)].sort()).toEqual(Object.keys(REST).sort());
  });

  it('starts from the cast it says: the stored roles', async () => {
    expect(sockets.get('host')?.role).toBe('host');
    expect(sockets.get('interviewer')?.role).toBe('interviewer');
    expect(sockets.get('observer')?.role).toBe('observer');
    expect(sockets.get('candidate')?.role).toBe('candidate');
    expect(sockets.get('waiting')?.lobby?.status).toBe('waiting');
    expect(sockets.get('removed')?.lastError?.code).toBe('REMOVED');
    expect(sockets.get('stranger')?.lastError?.code).toBe('UNAUTHENTICATED');
    expect(PROTOCOL_VERSION).toBeGreaterThan(0);
  });
});

describe.each(ACTORS)('as %s', (actor) => {
  for (const [type, row] of Object.entries(COMMANDS)) {
    const allowed = row.allow.includes(actor);
    it(`${allowed ? 'may' : 'may not'} send interview:command ${type}`, async () => {
      const { cast, conn } = allowed
        ? await fresh(actor)
        : { cast: shared, conn: sockets.get(actor)! };
      expectOutcome(await emit(conn, 'interview:command', row.make(cast)), allowed);
    }, 60_000);
    it(`${allowed ? 'may' : 'may not'} POST the ${type} command`, async () => {
      const cast = allowed ? await castInterview(server, staff) : shared;
      const api = apiAs(server, cast, actor);
      expectOutcome(
        await outcome(() => api.interviewCommand(cast.roomId, row.make(cast))),
        allowed,
      );
    }, 60_000);
  }

  for (const [event, row] of Object.entries(SOCKET_EVENTS)) {
    const allowed = row.allow.includes(actor);
    it(`${allowed ? 'may' : 'may not'} send ${event}`, async () => {
      const { conn } = allowed ? await fresh(actor) : { conn: sockets.get(actor)! };
      expectOutcome(await emit(conn, event, row.payload()), allowed);
    }, 60_000);
  }

  for (const [route, row] of Object.entries({ ...REST, ...REST_READS })) {
    const allowed = row.allow.includes(actor);
    it(`${allowed ? 'may' : 'may not'} call ${route}`, async () => {
      const cast = allowed ? await castInterview(server, staff) : shared;
      const result = await outcome(() => row.call(apiAs(server, cast, actor), cast));
      if (!result.ok && !allowed) expect(result).not.toMatchObject({ code: 'INTERNAL' });
      expectOutcome(result, allowed);
    }, 60_000);
  }
});

describe('refusals are answered, not crashes', () => {
  it('answers 401 to a stranger creating an interview, naming what to do', async () => {
    const err = await apiAs(server, shared, 'stranger')
      .createInterview({ title: 'No' })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TandemApiError);
    expect((err as TandemApiError).status).toBe(401);
    expect((err as TandemApiError).message).toMatch(/sign in/i);
  });
});
