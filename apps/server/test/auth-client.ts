import { randomUUID } from 'node:crypto';
import type { RunningServer } from './harness.js';

export const PASSWORD = 'correct horse battery staple';
export const uniqueEmail = () => `user-${randomUUID()}@example.com`;

interface Injected {
  statusCode: number;
  headers: Record<string, string | string[] | number | undefined>;
  json: () => any; // eslint-disable-line @typescript-eslint/no-explicit-any
  cookies: { name: string; value: string }[];
}

/**
 * A browser-like client over `app.inject`: keeps the refresh cookie, sends the
 * same-origin headers (Origin + X-Tandem-Request) a page of the app would.
 */
export function authClient(
  server: RunningServer,
  { origin = 'http://localhost:80', ip = '127.0.0.1' }: { origin?: string; ip?: string } = {},
) {
  const jar = new Map<string, string>();
  async function send(
    method: 'GET' | 'POST' | 'PUT',
    url: string,
    payload?: unknown,
    accessToken?: string,
    extraHeaders: Record<string, string> = {},
  ): Promise<Injected> {
    const headers: Record<string, string> = {
      origin,
      'x-tandem-request': '1',
      ...extraHeaders,
    };
    if (accessToken !== undefined) headers['authorization'] = `Bearer ${accessToken}`;
    const res = await server.app.http.inject({
      method,
      url,
      headers,
      remoteAddress: ip,
      ...(payload !== undefined && { payload: payload as object }),
      cookies: Object.fromEntries(jar),
    });
    for (const c of res.cookies) jar.set(c.name, c.value);
    return res as unknown as Injected;
  }
  return {
    jar,
    refreshToken: () => jar.get('tandem_refresh') ?? jar.get('__Host-tandem_refresh'),
    get: (url: string, accessToken?: string, headers?: Record<string, string>) =>
      send('GET', url, undefined, accessToken, headers),
    post: (
      url: string,
      payload?: unknown,
      accessToken?: string,
      headers?: Record<string, string>,
    ) => send('POST', url, payload, accessToken, headers),
    put: (url: string, payload?: unknown, accessToken?: string) =>
      send('PUT', url, payload, accessToken),
    async signUp(email = uniqueEmail(), password = PASSWORD) {
      const res = await send('POST', '/api/auth/signup', { email, password, displayName: 'Ada' });
      if (res.statusCode !== 201) throw new Error(`sign-up failed: ${JSON.stringify(res.json())}`);
      return res.json() as { accessToken: string; account: { id: string; email: string } };
    },
  };
}
