import { errorBody, type CreateRoomBody, type Room } from '@tandem/protocol';
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
