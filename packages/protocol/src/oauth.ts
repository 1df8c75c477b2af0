import { z } from 'zod';

/** Sign-in providers a server may offer; which ones it does, it says at `GET /api/auth/providers`. */
export const OAUTH_PROVIDER_IDS = ['github', 'google', 'oidc'] as const;
export const OAuthProviderIdSchema = z.enum(OAUTH_PROVIDER_IDS);
export type OAuthProviderId = z.infer<typeof OAuthProviderIdSchema>;

export const OAuthProviderSchema = z.object({
  id: OAuthProviderIdSchema,
  /** For the button: "Continue with {name}". */
  name: z.string(),
});
export type OAuthProvider = z.infer<typeof OAuthProviderSchema>;

export const OAuthProvidersSchema = z.object({ providers: z.array(OAuthProviderSchema) });
export type OAuthProviders = z.infer<typeof OAuthProvidersSchema>;

/** The query the web app adds to `/signin` when a provider sign-in failed: an error code of the catalogue. */
export const OAUTH_ERROR_PARAM = 'oauth_error';
