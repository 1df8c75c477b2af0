import {
  GUEST_TOKEN_HEADER,
  errorBody,
  type CommandResult,
  type CreateInterviewBody,
  type InterviewCommand,
  type InterviewDetails,
  type LobbyRequestBody,
  type LobbyTicket,
  type ScorecardBody,
  type ScorecardView,
  type CreateRoomBody,
  type ProblemSummary,
  type ProblemView,
  type Room,
  type RunLanguage,
  type RunRequest,
  type RunView,
} from '@tandem/protocol';
import { TandemApiError, isErrorBody } from './errors.js';

export interface TandemApiOptions {
  /** The current access token, sent as `Authorization: Bearer` on every call; null: none. */
  accessToken?: () => string | null;
  /** A candidate's guest credential, sent in the `tandem-guest` header; null: none. */
  guestToken?: () => string | null;
}

/**
 * Typed REST client.
 *
 * @example
 * const api = new TandemApi('http://localhost:3000');
 * const room = await api.createRoom({ title: 'Pairing', language: 'python' });
 */
export class TandemApi {
  constructor(
    private readonly baseUrl: string,
    private readonly fetchImpl: typeof fetch = globalThis.fetch.bind(globalThis),
    private readonly options: TandemApiOptions = {},
  ) {}

  /** Creates an interview room (signed in): the caller is its host. */
  createInterview(body: CreateInterviewBody): Promise<InterviewDetails> {
    return this.request<InterviewDetails>('POST', '/api/interviews', body);
  }

  /** The interview as its staff see it. */
  interview(roomId: string): Promise<InterviewDetails> {
    return this.request<InterviewDetails>('GET', `/api/interviews/${encodeURIComponent(roomId)}`);
  }

  /** Joins as an interviewer with the interviewer link's key (signed in). */
  joinAsInterviewer(roomId: string, key: string): Promise<InterviewDetails> {
    return this.request<InterviewDetails>(
      'POST',
      `/api/interviews/${encodeURIComponent(roomId)}/staff`,
      { key },
    );
  }

  /** A candidate asks to enter with the candidate link's key: keep the guest token it returns. */
  requestLobby(roomId: string, body: LobbyRequestBody): Promise<LobbyTicket> {
    return this.request<LobbyTicket>(
      'POST',
      `/api/interviews/${encodeURIComponent(roomId)}/lobby`,
      body,
    );
  }

  /** An interviewer control over REST (the same commands as the socket). */
  interviewCommand(roomId: string, command: InterviewCommand): Promise<CommandResult> {
    return this.request<CommandResult>(
      'POST',
      `/api/interviews/${encodeURIComponent(roomId)}/commands`,
      command,
    );
  }

  saveScorecard(roomId: string, scorecard: ScorecardBody): Promise<ScorecardView> {
    return this.request<ScorecardView>(
      'PUT',
      `/api/interviews/${encodeURIComponent(roomId)}/scorecard`,
      scorecard,
    );
  }

  /** The private notes as plain text (staff). */
  notes(roomId: string): Promise<{ text: string }> {
    return this.request<{ text: string }>(
      'GET',
      `/api/interviews/${encodeURIComponent(roomId)}/notes`,
    );
  }

  createRoom(body: CreateRoomBody): Promise<Room> {
    return this.request<Room>('POST', '/api/rooms', body);
  }

  getRoom(id: string): Promise<Room> {
    return this.request<Room>('GET', `/api/rooms/${encodeURIComponent(id)}`);
  }

  /** Languages that really run on this server, with versions and starter templates. */
  languages(): Promise<RunLanguage[]> {
    return this.request<{ languages: RunLanguage[] }>('GET', '/api/languages').then(
      (r) => r.languages,
    );
  }

  /** Problems available to judge against (public view: no hidden cases). */
  problems(): Promise<ProblemSummary[]> {
    return this.request<{ problems: ProblemSummary[] }>('GET', '/api/problems').then(
      (r) => r.problems,
    );
  }

  problem(id: string): Promise<ProblemView> {
    return this.request<ProblemView>('GET', `/api/problems/${encodeURIComponent(id)}`);
  }

  /**
   * Runs code in a room. With `wait` (the default) resolves once finished;
   * otherwise with the queued run, to poll with `getRun`.
   */
  runInRoom(
    roomId: string,
    request: RunRequest,
    options: { wait?: boolean } = {},
  ): Promise<RunView> {
    const wait = options.wait === false ? '?wait=false' : '';
    return this.request<RunView>(
      'POST',
      `/api/rooms/${encodeURIComponent(roomId)}/runs${wait}`,
      request,
    );
  }

  getRun(id: string): Promise<RunView> {
    return this.request<RunView>('GET', `/api/runs/${encodeURIComponent(id)}`);
  }

  private async request<T>(method: string, path: string, body?: unknown): Promise<T> {
    const headers: Record<string, string> = { accept: 'application/json' };
    const init: RequestInit = { method, headers };
    if (body !== undefined) {
      init.body = JSON.stringify(body);
      headers['content-type'] = 'application/json';
    }
    const token = this.options.accessToken?.();
    if (token) headers['authorization'] = `Bearer ${token}`;
    const guest = this.options.guestToken?.();
    if (guest) headers[GUEST_TOKEN_HEADER] = guest;
    const res = await this.fetchImpl(new URL(path, this.baseUrl), init);
    const text = await res.text();
    let data: unknown = undefined;
    try {
      data = text ? JSON.parse(text) : undefined;
    } catch {
      // A proxy's HTML error page: reported below with the status.
    }
    if (res.ok) return data as T;
    const retryAfter = res.headers.get('retry-after');
    const errBody = isErrorBody(data)
      ? data
      : errorBody(res.status >= 500 ? 'INTERNAL' : 'VALIDATION_FAILED', `HTTP ${res.status}`);
    throw new TandemApiError(res.status, errBody, retryAfter ? Number(retryAfter) : undefined);
  }
}
