import {
  errorBody,
  type CreateRoomBody,
  type ProblemSummary,
  type ProblemView,
  type Room,
  type RunLanguage,
  type RunRequest,
  type RunView,
} from '@tandem/protocol';
import { TandemApiError, isErrorBody } from './errors.js';

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
  ) {}

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
    const init: RequestInit = { method, headers: { accept: 'application/json' } };
    if (body !== undefined) {
      init.body = JSON.stringify(body);
      init.headers = { ...init.headers, 'content-type': 'application/json' };
    }
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
