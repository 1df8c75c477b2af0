/**
 * Test helpers for interview rooms: real accounts (signed up through the
 * real route), an interview with its whole cast, and sockets per role.
 */
import { randomBytes } from 'node:crypto';
import { RoomConnection, TandemApi } from '@tandem/client';
import type { InterviewDetails } from '@tandem/protocol';
import type { RunningServer } from './harness.js';

export interface SignedIn {
  api: TandemApi;
  token: string;
  name: string;
}

export async function signUp(server: Pick<RunningServer, 'url'>, name: string): Promise<SignedIn> {
  let token: string | null = null;
  const api = new TandemApi(server.url, undefined, {
    accessToken: () => token,
    origin: server.url,
  });
  const email = `${name.toLowerCase()}-${randomBytes(4).toString('hex')}@example.com`;
  const session = await api.signUp({
    email,
    password: `correct horse ${name} battery`,
    displayName: name,
  });
  token = session.accessToken;
  return { api, token, name };
}

/** The staff an interview needs: a host, an interviewer and an observer, each with an account. */
export interface Staff {
  host: SignedIn;
  interviewer: SignedIn;
  observer: SignedIn;
}

export async function signUpStaff(server: Pick<RunningServer, 'url'>): Promise<Staff> {
  const [host, interviewer, observer] = await Promise.all([
    signUp(server, 'Hana'),
    signUp(server, 'Ivan'),
    signUp(server, 'Olga'),
  ]);
  return { host, interviewer, observer };
}

export function guestApi(server: Pick<RunningServer, 'url'>, guestToken: string | null): TandemApi {
  return new TandemApi(server.url, undefined, { guestToken: () => guestToken });
}

/** Who tries things in the role matrix. */
export const ACTORS = [
  'host',
  'interviewer',
  'observer',
  'candidate',
  'waiting',
  'removed',
  'stranger',
] as const;
export type Actor = (typeof ACTORS)[number];

export interface Cast {
  roomId: string;
  details: InterviewDetails;
  keys: { interviewer: string; candidate: string };
  /** Credentials per actor: an account token or a guest token (none for the stranger). */
  creds: Record<Actor, { accessToken?: string; guestToken?: string }>;
  /** Participant ids: the observer, and a spare waiting candidate to admit, deny or remove. */
  observerId: string;
  targetId: string;
}

const keyOf = (link: string) => new URL(link).hash.slice(1);

/**
 * A fresh interview with everyone in place: the host, an interviewer, an
 * observer (joined as interviewer, then demoted by the host), an admitted
 * candidate, a waiting one, a removed one, and a spare waiting candidate.
 */
export async function castInterview(
  server: Pick<RunningServer, 'url'>,
  staff: Staff,
): Promise<Cast> {
  const details = await staff.host.api.createInterview({ title: 'Matrix', problemId: 'two-sum' });
  const roomId = details.room.id;
  const keys = {
    interviewer: keyOf(details.links!.interviewer),
    candidate: keyOf(details.links!.candidate),
  };
  await staff.interviewer.api.joinAsInterviewer(roomId, keys.interviewer);
  const obs = await staff.observer.api.joinAsInterviewer(roomId, keys.interviewer);
  await staff.host.api.interviewCommand(roomId, {
    type: 'set-role',
    participantId: obs.self.participantId,
    role: 'observer',
  });
  const lobby = (name: string) =>
    guestApi(server, null).requestLobby(roomId, { key: keys.candidate, name });
  const [candidate, waiting, removed, target] = await Promise.all([
    lobby('Cleo'),
    lobby('Wes'),
    lobby('Rory'),
    lobby('Tara'),
  ]);
  for (const p of [candidate, removed]) {
    await staff.host.api.interviewCommand(roomId, {
      type: 'admit',
      participantId: p.participantId,
    });
  }
  await staff.host.api.interviewCommand(roomId, {
    type: 'remove',
    participantId: removed.participantId,
  });
  return {
    roomId,
    details,
    keys,
    observerId: obs.self.participantId,
    targetId: target.participantId,
    creds: {
      host: { accessToken: staff.host.token },
      interviewer: { accessToken: staff.interviewer.token },
      observer: { accessToken: staff.observer.token },
      candidate: { guestToken: candidate.guestToken },
      waiting: { guestToken: waiting.guestToken },
      removed: { guestToken: removed.guestToken },
      stranger: {},
    },
  };
}

/** A REST client carrying an actor's credentials. */
export function apiAs(server: Pick<RunningServer, 'url'>, cast: Cast, actor: Actor): TandemApi {
  const c = cast.creds[actor];
  return new TandemApi(server.url, undefined, {
    accessToken: () => c.accessToken ?? null,
    guestToken: () => c.guestToken ?? null,
  });
}

/** A socket connection for an actor; resolves once it is in (synced), in the lobby, or refused. */
export async function connectAs(
  server: Pick<RunningServer, 'url'>,
  cast: Cast,
  actor: Actor,
): Promise<RoomConnection> {
  const c = cast.creds[actor];
  const conn = new RoomConnection({
    url: server.url,
    roomId: cast.roomId,
    name: actor,
    resyncIntervalMs: 0,
    ...(c.accessToken !== undefined && { accessToken: () => c.accessToken! }),
    ...(c.guestToken !== undefined && { guestToken: c.guestToken }),
  });
  await new Promise<void>((resolve) => {
    const done = () => resolve();
    if (conn.synced) return done();
    conn.on('synced', done);
    conn.on('lobby', done);
    conn.on('status', (s) => s === 'closed' && done());
  });
  return conn;
}
