/**
 * GitHub is OAuth 2, not OpenID Connect: no ID token. Who signed in comes from
 * its REST API with the access token: the user (its numeric id is the stable
 * subject; logins can be renamed) and their verified primary email.
 */
import { z } from 'zod';
import { AppError } from '../../errors.js';
import type { GitHubProviderConfig } from './providers.js';
import type { ProviderIdentity } from './identity.js';

const UserSchema = z.object({
  id: z.number().int(),
  login: z.string(),
  name: z.string().nullable().optional(),
});
const EmailsSchema = z.array(
  z.object({ email: z.string(), primary: z.boolean(), verified: z.boolean() }),
);

async function api(
  provider: GitHubProviderConfig,
  path: string,
  accessToken: string,
): Promise<unknown> {
  const response = await fetch(`${provider.apiUrl}${path}`, {
    headers: {
      authorization: `Bearer ${accessToken}`,
      accept: 'application/vnd.github+json',
      'x-github-api-version': '2022-11-28',
      'user-agent': 'Tandem',
    },
    signal: AbortSignal.timeout(10_000),
  });
  if (!response.ok) {
    throw new AppError(
      'OAUTH_PROVIDER_ERROR',
      `GitHub answered ${response.status} for ${path}. Start again from the sign-in page.`,
    );
  }
  return response.json();
}

export async function gitHubIdentity(
  provider: GitHubProviderConfig,
  accessToken: string,
): Promise<ProviderIdentity> {
  const user = UserSchema.safeParse(await api(provider, '/user', accessToken));
  const emails = EmailsSchema.safeParse(await api(provider, '/user/emails', accessToken));
  if (!user.success || !emails.success) {
    throw new AppError(
      'OAUTH_PROVIDER_ERROR',
      'GitHub sent an answer Tandem does not understand. Start again from the sign-in page.',
    );
  }
  const primary = emails.data.find((e) => e.primary && e.verified);
  return {
    provider: 'github',
    subject: String(user.data.id),
    email: primary?.email ?? null,
    displayName: user.data.name || user.data.login,
  };
}
