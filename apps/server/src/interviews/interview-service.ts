import {
  CLOSE_CODES,
  type CloseCode,
  type CommandResult,
  type CreateInterviewBody,
  type InterviewCommand,
  type InterviewDetails,
  type InterviewState,
  type InviteLinks,
  type LobbyRequestBody,
  type LobbyStatus,
  type LobbyTicket,
  type ScorecardBody,
  type ScorecardView,
  type StaffView,
} from '@tandem/protocol';
import type { Account } from '../auth/principal.js';
import { AppError } from '../errors.js';
import type { Logger } from '../logger.js';
import type { ProblemCatalog } from '../runs/problems.js';
import { newRoomId, toRoom } from '../rooms/room-view.js';
import type {
  RoomKind,
  Store,
  StoredInterview,
  StoredParticipant,
  StoredRoom,
  TimelineEntry,
} from '../store/store.js';
import { controlChange, isControlCommand } from './control-change.js';
import { hashToken, newGuestToken, newKey, sameSecret } from './credentials.js';
import { authorize, type Member, type WarnLog } from './permissions.js';
import { toInterviewState, toScorecardView, toStaffView } from './views.js';

/** How the service reaches sockets; the socket layer sets it (like `RunService.publish`). */
export interface InterviewBroadcast {
  /** Everyone admitted to the room: the public state. */
  state(roomId: string, state: InterviewState): void;
  /** The staff sockets of the room. */
  staff(roomId: string, staff: StaffView): void;
  /** A participant's own sockets (a candidate in the lobby). */
  lobby(participantId: string, status: LobbyStatus): void;
  /** Ends a participant's sockets on every node, telling them why. */
  close(participantId: string, code: CloseCode, reason: string): void;
  /** The control state changed: whoever holds a copy (socket checks on edits) refreshes it. */
  controls(roomId: string, interview: StoredInterview): void;
}

/** Who a request or handshake comes from, before the stored role is known. */
export interface Credentials {
  account: Account | null;
  guestToken?: string | undefined;
}

/** A credential resolved against the stored participants of one room. */
export type Resolution =
  | { kind: 'scratch'; member: Member }
  | { kind: 'member'; member: Member; interview: StoredInterview }
  | { kind: 'lobby'; participant: StoredParticipant; interview: StoredInterview };

/** Integrity signals collected in interview rooms. None yet: the lobby says so. */
export const COLLECTED_SIGNALS: string[] = [];

type Entry = Omit<TimelineEntry, 'roomId'>;

/**
 * Interview rooms: creation, invitations, the lobby, and every interviewer
 * control. Each control is authorised from the stored role, written with
 * its timeline entry in one transaction, then broadcast. REST and sockets
 * both come through here, so both are checked the same way.
 */
export class InterviewService {
  broadcast: InterviewBroadcast = {
    state: () => {},
    staff: () => {},
    lobby: () => {},
    close: () => {},
    controls: () => {},
  };

  constructor(private readonly deps: { store: Store; problems: ProblemCatalog; logger: Logger }) {}

  private get store() {
    return this.deps.store.interviews;
  }

  async create(
    account: Account,
    body: { title: string; language: NonNullable<CreateInterviewBody['language']> } & Pick<
      CreateInterviewBody,
      'problemId'
    >,
  ): Promise<{ room: StoredRoom; interview: StoredInterview }> {
    const problemId = body.problemId ?? null;
    if (problemId !== null) this.problem(problemId);
    return this.store.create({
      room: { id: newRoomId(), title: body.title, language: body.language },
      interview: {
        ownerAccountId: account.id,
        interviewerKey: newKey(),
        candidateKey: newKey(),
        problemId,
      },
      host: { id: newKey(), name: account.displayName },
    });
  }

  links(interview: StoredInterview, baseUrl: string): InviteLinks {
    const at = (path: string, key: string) => new URL(`${path}#${key}`, baseUrl).toString();
    return {
      interviewer: at(`/team/${interview.roomId}`, interview.interviewerKey),
      candidate: at(`/join/${interview.roomId}`, interview.candidateKey),
    };
  }

  /**
   * Finds who the credentials are in the room. Throws UNAUTHENTICATED (no
   * credential), FORBIDDEN (an account that is not a member), LOBBY_DENIED,
   * REMOVED, ROOM_NOT_FOUND. `kind`: what the caller already read of the room
   * (it exists, and is or is not an interview), which spares reading it again.
   */
  async resolve(
    roomId: string,
    creds: Credentials,
    sessionId: string,
    kind?: RoomKind,
  ): Promise<Resolution> {
    const interview = kind === 'scratch' ? null : await this.store.get(roomId);
    if (!interview) {
      if (kind === undefined && !(await this.deps.store.getRoom(roomId)))
        throw new AppError('ROOM_NOT_FOUND');
      return {
        kind: 'scratch',
        member: {
          roomId,
          role: 'scratch',
          participantId: null,
          accountId: creds.account?.id ?? null,
          name: creds.account?.displayName ?? '',
          sessionId,
        },
      };
    }
    let participant: StoredParticipant | null = null;
    if (creds.account)
      participant = await this.store.participantByAccount(roomId, creds.account.id);
    if (!participant && creds.guestToken) {
      participant = await this.store.participantByGuestToken(roomId, hashToken(creds.guestToken));
    }
    if (!participant) {
      if (creds.account) {
        throw new AppError(
          'FORBIDDEN',
          'You are not part of this interview. Open the interviewer link the host shared.',
        );
      }
      throw new AppError(
        'UNAUTHENTICATED',
        creds.guestToken
          ? 'This guest pass does not belong to this interview. Open the candidate link again.'
          : 'Sign in, or open the invite link you were given.',
      );
    }
    switch (participant.status) {
      case 'removed':
        throw new AppError('REMOVED');
      case 'denied':
        throw new AppError('LOBBY_DENIED');
      case 'waiting':
        return { kind: 'lobby', participant, interview };
      case 'admitted':
        return {
          kind: 'member',
          interview,
          member: {
            roomId,
            role: participant.role,
            participantId: participant.id,
            accountId: participant.accountId,
            name: participant.name,
            sessionId,
          },
        };
    }
  }

  /** Like `resolve`, for acts that need an admitted member: a candidate still in the lobby is refused. */
  async member(
    roomId: string,
    creds: Credentials,
    sessionId: string,
  ): Promise<{ member: Member; interview: StoredInterview | null }> {
    const r = await this.resolve(roomId, creds, sessionId);
    if (r.kind === 'lobby') {
      throw new AppError('FORBIDDEN', 'Wait until an interviewer lets you in.');
    }
    return { member: r.member, interview: r.kind === 'member' ? r.interview : null };
  }

  /** A signed-in account opens the interviewer link: it joins as an interviewer (or is already in). */
  async joinAsStaff(account: Account, roomId: string, key: string): Promise<StoredParticipant> {
    const interview = await this.interview(roomId);
    if (!sameSecret(key, interview.interviewerKey)) throw new AppError('INVITE_INVALID');
    const existing = await this.store.participantByAccount(roomId, account.id);
    if (existing) {
      if (existing.status === 'removed') throw new AppError('REMOVED');
      if (existing.role === 'candidate') {
        throw new AppError('FORBIDDEN', 'This account is the candidate of this interview.');
      }
      return existing;
    }
    const participant = await this.store.addParticipant(
      {
        id: newKey(),
        roomId,
        accountId: account.id,
        guestTokenHash: null,
        role: 'interviewer',
        status: 'admitted',
        name: account.displayName,
        email: null,
      },
      {
        type: 'participant.joined',
        actor: account.id,
        payload: { role: 'interviewer' },
        at: new Date(),
      },
    );
    await this.publishStaff(roomId, interview);
    return participant;
  }

  /** A candidate opens the candidate link and asks to enter: a guest credential and a place in the lobby. */
  async requestLobby(roomId: string, body: LobbyRequestBody): Promise<LobbyTicket> {
    const interview = await this.interview(roomId);
    if (!sameSecret(body.key, interview.candidateKey)) throw new AppError('INVITE_INVALID');
    if (interview.endedAt) throw new AppError('INTERVIEW_ENDED');
    const room = await this.deps.store.getRoom(roomId);
    const guestToken = newGuestToken();
    const participant = await this.store.addParticipant(
      {
        id: newKey(),
        roomId,
        accountId: null,
        guestTokenHash: hashToken(guestToken),
        role: 'candidate',
        status: 'waiting',
        name: body.name.trim(),
        email: body.email ?? null,
      },
      { type: 'lobby.requested', actor: null, payload: { name: body.name }, at: new Date() },
    );
    await this.publishStaff(roomId, interview);
    return { guestToken, participantId: participant.id, roomId, title: room?.title ?? '' };
  }

  lobbyStatus(participant: StoredParticipant): LobbyStatus {
    const status = participant.status === 'admitted' ? 'admitted' : participant.status;
    return {
      status,
      participantId: participant.id,
      name: participant.name,
      signals: COLLECTED_SIGNALS,
    };
  }

  state(interview: StoredInterview): InterviewState {
    return toInterviewState(interview, this.problemOrNone(interview.problemId));
  }

  async staffView(roomId: string, interview: StoredInterview): Promise<StaffView> {
    const [participants, scorecards] = await Promise.all([
      this.store.participants(roomId),
      this.store.scorecards(roomId),
    ]);
    return toStaffView(participants, scorecards, this.problemOrNone(interview.problemId));
  }

  /** What `GET /api/interviews/:id` answers to staff. */
  async details(
    member: Member,
    interview: StoredInterview,
    baseUrl: string,
    log: WarnLog,
  ): Promise<InterviewDetails> {
    authorize(member, 'staff:read', log);
    const room = await this.deps.store.getRoom(member.roomId);
    if (!room) throw new AppError('ROOM_NOT_FOUND');
    return {
      room: toRoom(room, baseUrl, 'interview'),
      self: { participantId: member.participantId!, role: member.role as 'host' },
      state: this.state(interview),
      staff: await this.staffView(member.roomId, interview),
      links:
        member.role === 'host' || member.role === 'interviewer'
          ? this.links(interview, baseUrl)
          : null,
    };
  }

  /** Runs one interviewer control: authorise, write with its timeline entry, broadcast. */
  async command(
    member: Member,
    command: InterviewCommand,
    baseUrl: string,
    log: WarnLog,
  ): Promise<CommandResult> {
    authorize(member, `command:${command.type}`, log);
    const { roomId } = member;
    const actor = member.accountId ?? member.participantId;
    const entry = (type: string, payload: Record<string, unknown> = {}): Entry => ({
      type,
      actor,
      payload: { ...payload, by: member.participantId },
      at: new Date(),
    });
    const live = (i: StoredInterview) => {
      if (i.endedAt) throw new AppError('INTERVIEW_ENDED');
    };

    if (isControlCommand(command)) {
      if (command.type === 'set-problem' && command.problemId !== null) {
        this.problem(command.problemId);
      }
      const updated = await this.store.update(roomId, (i) =>
        controlChange(command, i, entry, (id) => this.problemOrNone(id)?.hints ?? []),
      );
      if (!updated) throw new AppError('ROOM_NOT_FOUND');
      const state = this.state(updated);
      this.broadcast.controls(roomId, updated);
      this.broadcast.state(roomId, state);
      if (command.type === 'set-problem' || command.type === 'reveal-hint') {
        await this.publishStaff(roomId, updated);
      }
      return command.type === 'rotate-link'
        ? { state, links: this.links(updated, baseUrl) }
        : { state };
    }
    switch (command.type) {
      case 'admit':
      case 'deny': {
        const admit = command.type === 'admit';
        const interview = await this.interview(roomId);
        live(interview);
        const p = await this.store.updateParticipant(roomId, command.participantId, (p) => {
          if (p.status !== 'waiting') throw new AppError('ALREADY_DECIDED');
          return {
            patch: { status: admit ? 'admitted' : 'denied' },
            entry: entry(admit ? 'lobby.admitted' : 'lobby.denied', { participantId: p.id }),
          };
        });
        if (!p) throw new AppError('PARTICIPANT_NOT_FOUND');
        this.broadcast.lobby(p.id, this.lobbyStatus(p));
        if (!admit) {
          this.broadcast.close(
            p.id,
            CLOSE_CODES.LOBBY_DENIED,
            'The interviewer did not let you in.',
          );
        }
        await this.publishStaff(roomId, interview);
        return { state: this.state(interview) };
      }
      case 'remove':
      case 'set-role': {
        const interview = await this.interview(roomId);
        live(interview);
        const p = await this.store.updateParticipant(roomId, command.participantId, (p) => {
          if (p.status === 'removed' || p.status === 'denied') {
            throw new AppError('PARTICIPANT_NOT_FOUND');
          }
          if (p.role === 'host')
            throw new AppError('FORBIDDEN', 'The host cannot be removed or demoted.');
          if (command.type === 'set-role') {
            if (p.role === 'candidate') {
              throw new AppError('FORBIDDEN', 'A candidate cannot become an interviewer.');
            }
            return {
              patch: { role: command.role },
              entry: entry('participant.role-changed', { participantId: p.id, role: command.role }),
            };
          }
          if (member.role !== 'host' && p.role === 'interviewer') {
            throw new AppError('FORBIDDEN', 'Only the host can remove an interviewer.');
          }
          return {
            patch: { status: 'removed' },
            entry: entry('participant.removed', { participantId: p.id, role: p.role }),
          };
        });
        if (!p) throw new AppError('PARTICIPANT_NOT_FOUND');
        if (command.type === 'remove') {
          this.broadcast.close(
            p.id,
            CLOSE_CODES.REMOVED,
            'An interviewer removed you from this interview.',
          );
        } else {
          this.broadcast.close(
            p.id,
            CLOSE_CODES.ROLE_CHANGED,
            `You are now ${command.role === 'observer' ? 'an observer' : 'an interviewer'}.`,
          );
        }
        await this.publishStaff(roomId, interview);
        return { state: this.state(interview) };
      }
    }
  }

  async saveScorecard(member: Member, body: ScorecardBody, log: WarnLog): Promise<ScorecardView> {
    authorize(member, 'scorecard:write', log);
    const { roomId } = member;
    const saved = await this.store.saveScorecard(
      { roomId, participantId: member.participantId!, ...body, updatedAt: new Date() },
      {
        type: 'scorecard.saved',
        actor: member.accountId,
        payload: { by: member.participantId, recommendation: body.recommendation },
        at: new Date(),
      },
    );
    const interview = await this.interview(roomId);
    await this.publishStaff(roomId, interview);
    return toScorecardView(saved, await this.store.participants(roomId));
  }

  private async publishStaff(roomId: string, interview: StoredInterview): Promise<void> {
    this.broadcast.staff(roomId, await this.staffView(roomId, interview));
  }

  private async interview(roomId: string): Promise<StoredInterview> {
    const interview = await this.store.get(roomId);
    if (!interview) throw new AppError('ROOM_NOT_FOUND');
    return interview;
  }

  private problem(id: string) {
    const problem = this.deps.problems.get(id);
    if (!problem) throw new AppError('PROBLEM_NOT_FOUND', undefined, 'problemId');
    return problem;
  }

  private problemOrNone(id: string | null) {
    return id === null ? undefined : this.deps.problems.get(id);
  }
}
