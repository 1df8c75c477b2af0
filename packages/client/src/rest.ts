import {
  GUEST_TOKEN_HEADER,
  type CommandResult,
  type CreateInterviewBody,
  type InterviewCommand,
  type InterviewDetails,
  type LobbyRequestBody,
  type LobbyTicket,
  type ScorecardBody,
  type ScorecardView,
  CSRF_HEADER,
  errorBody,
  type AuthSession,
  type Me,
  type SettingsBody,
  type SignInBody,
  type SignUpBody,
  type SignedOut,
  type RecoveryCodes,
  type TwoFactorEnrolment,
  type TwoFactorStatus,
  type CreateRoomBody,
  type ProblemSummary,
  type ProblemView,
  type Room,
  type RunLanguage,
  type RunRequest,
  type RunView,
  type OAuthProvider,
  type OAuthProviders,
  type ProfileFiles,
  UPLOAD_FIELD,
} from '@tandem/protocol';
import { TandemApiError, isErrorBody } from './errors.js';

export interface TandemApiOptions {
  /** The current access token, sent as `Authorization: Bearer` on every call; null: none. */
  accessToken?: () => string | null;
  /** A candidate's guest credential, sent in the `tandem-guest` header; null: none. */
  guestToken?: () => string | null;
  /**
   * Sent as `Origin` on the cookie routes (refresh, sign-out). Browsers set it
   * themselves; a Node client that keeps cookies must name the site's origin.
   */
  origin?: string;
}

/** How a request authenticates: the bearer token (default) or the refresh cookie. */
type Auth = 'bearer' | 'cookie';

/**
 * Typed REST client.
 *
 * @example
 * let token: string | null = null;
 * const api = new TandemApi('http://localhost:3000', fetch, { accessToken: () => token });
 * token = (await api.signIn({ email, password })).accessToken;
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

  /** Creates an account and signs in; the refresh token arrives as an HttpOnly cookie. */
  signUp(body: SignUpBody): Promise<AuthSession> {
    return this.request<AuthSession>('POST', '/api/auth/signup', body, 'cookie');
  }

  /** Signs in; rejects with TOTP_REQUIRED when the account has 2FA and no `code` was given. */
  signIn(body: SignInBody): Promise<AuthSession> {
    return this.request<AuthSession>('POST', '/api/auth/signin', body, 'cookie');
  }

  /** A new access token for the refresh cookie (which is rotated); rejects with SESSION_EXPIRED. */
  refresh(): Promise<AuthSession> {
    return this.request<AuthSession>('POST', '/api/auth/refresh', undefined, 'cookie');
  }

  signOut(): Promise<SignedOut> {
    return this.request<SignedOut>('POST', '/api/auth/signout', undefined, 'cookie');
  }

  /** Ends every session of the account, on every device. */
  signOutAll(): Promise<SignedOut> {
    return this.request<SignedOut>('POST', '/api/auth/signout-all', undefined, 'cookie');
  }

  me(): Promise<Me> {
    return this.request<Me>('GET', '/api/me');
  }

  /** Saves display name, preferred language and editor settings at once. */
  saveSettings(settings: SettingsBody): Promise<Me> {
    return this.request<Me>('PUT', '/api/me/settings', settings);
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

  twoFactorStatus(): Promise<TwoFactorStatus> {
    return this.request<TwoFactorStatus>('GET', '/api/me/2fa');
  }

  /** Starts enrolment: a new secret to scan (QR code) or type; 2FA is on only after `confirmTwoFactor`. */
  enrolTwoFactor(): Promise<TwoFactorEnrolment> {
    return this.request<TwoFactorEnrolment>('POST', '/api/me/2fa/enrol');
  }

  /** Confirms enrolment with a code from the app; resolves with the recovery codes (shown once). */
  confirmTwoFactor(code: string): Promise<RecoveryCodes> {
    return this.request<RecoveryCodes>('POST', '/api/me/2fa/confirm', { code });
  }

  /** Turns 2FA off; needs a current code or a recovery code. */
  disableTwoFactor(code: string): Promise<TwoFactorStatus> {
    return this.request<TwoFactorStatus>('POST', '/api/me/2fa/disable', { code });
  }

  /** The provider sign-in buttons to show ("Continue with {name}"); empty when none is configured. */
  authProviders(): Promise<OAuthProvider[]> {
    return this.request<OAuthProviders>('GET', '/api/auth/providers').then((r) => r.providers);
  }

  /** Where the browser goes to start signing in with a provider (a full-page navigation). */
  oauthStartUrl(provider: OAuthProvider['id']): string {
    return new URL(`/api/auth/oauth/${encodeURIComponent(provider)}/start`, this.baseUrl).href;
  }

  /** The account's avatar and resume. */
  files(): Promise<ProfileFiles> {
    return this.request<ProfileFiles>('GET', '/api/me/files');
  }

  /** PNG, JPEG or WebP; the server decides the type from the bytes and re-encodes it. */
  uploadAvatar(file: Blob, fileName = 'avatar'): Promise<ProfileFiles> {
    return this.request<ProfileFiles>('PUT', '/api/me/avatar', uploadForm(file, fileName));
  }

  removeAvatar(): Promise<ProfileFiles> {
    return this.request<ProfileFiles>('DELETE', '/api/me/avatar');
  }

  /** A PDF; its name is kept (made safe) for the download. */
  uploadResume(file: Blob, fileName = 'resume.pdf'): Promise<ProfileFiles> {
    return this.request<ProfileFiles>('PUT', '/api/me/resume', uploadForm(file, fileName));
  }

  removeResume(): Promise<ProfileFiles> {
    return this.request<ProfileFiles>('DELETE', '/api/me/resume');
  }

  /** The resume's bytes (owner only, bearer-authenticated, so not a plain link). */
  async downloadResume(): Promise<Blob> {
    const res = await this.send('GET', '/api/me/resume', undefined, 'bearer', 'application/pdf');
    if (!res.ok) throw await this.failure(res);
    return res.blob();
  }

  private async request<T>(
    method: string,
    path: string,
    body?: unknown,
    auth: Auth = 'bearer',
  ): Promise<T> {
    const res = await this.send(method, path, body, auth, 'application/json');
    if (!res.ok) throw await this.failure(res);
    return (await readJson(res)) as T;
  }

  private send(
    method: string,
    path: string,
    body: unknown,
    auth: Auth,
    accept: string,
  ): Promise<Response> {
    const headers: Record<string, string> = { accept };
    const init: RequestInit = { method, headers };
    if (body instanceof FormData) {
      // fetch writes the multipart content-type with its boundary itself.
      init.body = body;
    } else if (body !== undefined) {
      init.body = JSON.stringify(body);
      headers['content-type'] = 'application/json';
    }
    if (auth === 'cookie') {
      init.credentials = 'include';
      headers[CSRF_HEADER] = '1';
      if (this.options.origin !== undefined) headers['origin'] = this.options.origin;
    } else {
      const token = this.options.accessToken?.();
      if (token) headers['authorization'] = `Bearer ${token}`;
      const guest = this.options.guestToken?.();
      if (guest) headers[GUEST_TOKEN_HEADER] = guest;
    }
    return this.fetchImpl(new URL(path, this.baseUrl), init);
  }

  /** The catalogue error a failed answer carries (or one naming its status). */
  private async failure(res: Response): Promise<TandemApiError> {
    // A proxy's HTML error page parses to undefined: reported with the status.
    const data = await readJson(res);
    const retryAfter = res.headers.get('retry-after');
    const errBody = isErrorBody(data)
      ? data
      : errorBody(res.status >= 500 ? 'INTERNAL' : 'VALIDATION_FAILED', `HTTP ${res.status}`);
    return new TandemApiError(res.status, errBody, retryAfter ? Number(retryAfter) : undefined);
  }
}

/** The body as JSON; undefined when empty or not JSON. */
async function readJson(res: Response): Promise<unknown> {
  const text = await res.text();
  try {
    return text ? (JSON.parse(text) as unknown) : undefined;
  } catch {
    return undefined;
  }
}

function uploadForm(file: Blob, fileName: string): FormData {
  const form = new FormData();
  form.append(UPLOAD_FIELD, file, fileName);
  return form;
}
