import { randomUUID } from 'node:crypto';
import { expect } from 'vitest';

/** What a page of the app sends on its API calls (the CSRF header; Origin is added per node). */
export const HEADERS = { 'content-type': 'application/json', 'x-tandem-request': '1' };

/** A POST as a page of the app served by that node sends it, with the refresh cookie if given. */
export async function post(base: string, path: string, body: unknown, cookie?: string) {
  const res = await fetch(`${base}${path}`, {
    method: 'POST',
    headers: { ...HEADERS, origin: base, ...(cookie && { cookie }) },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown>, res };
}

/** A new account, signed up on `base`: its access token and its refresh cookie. */
export async function signUp(base: string) {
  const email = `user-${randomUUID()}@example.com`;
  const password = 'correct horse battery staple';
  const { status, body, res } = await post(base, '/api/auth/signup', {
    email,
    password,
    displayName: 'Ada',
  });
  expect(status).toBe(201);
  const cookie = res.headers.getSetCookie().map((c) => c.split(';')[0]!)[0]!;
  return { email, password, accessToken: body['accessToken'] as string, cookie };
}
