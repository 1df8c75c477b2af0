/**
 * One sign-in flow with a provider, both legs: `start` makes the provider's
 * authorization URL (state, PKCE S256, and a nonce for OIDC) and the sealed
 * flow cookie; `finish` checks the callback against that cookie, exchanges the
 * code (with the code verifier), and returns who the provider says signed in.
 * Turning that identity into an account and a session is `provider-accounts.ts`'s job.
 */
import {
  CodeChallengeMethod,
  OAuth2Client,
  OAuth2RequestError,
  generateCodeVerifier,
  generateState,
  type OAuth2Tokens,
} from 'arctic';
import type { OAuthProvider, OAuthProviderId } from '@tandem/protocol';
import { AppError } from '../../errors.js';
import { FLOW_TTL_MS, FlowCookieCodec, sameString, type Flow } from './flow-cookie.js';
import { gitHubIdentity } from './github.js';
import type { ProviderIdentity } from './identity.js';
import { discover, fetchUserinfo, verifyIdToken, type OidcIssuer } from './oidc.js';
import type { OidcProviderConfig, ProviderConfig } from './providers.js';

export interface CallbackQuery {
  code?: string | undefined;
  state?: string | undefined;
  error?: string | undefined;
}

export class OAuthService {
  private readonly issuers = new Map<OAuthProviderId, Promise<OidcIssuer>>();
  private readonly codec: FlowCookieCodec;

  constructor(
    private readonly providers: ReadonlyMap<OAuthProviderId, ProviderConfig>,
    authSecret: Uint8Array,
  ) {
    this.codec = new FlowCookieCodec(authSecret);
  }

  /** What the sign-in page shows buttons for. */
  list(): OAuthProvider[] {
    return [...this.providers.values()].map(({ id, name }) => ({ id, name }));
  }

  provider(id: string): ProviderConfig {
    const provider = this.providers.get(id as OAuthProviderId);
    if (!provider) throw new AppError('OAUTH_PROVIDER_UNKNOWN');
    return provider;
  }

  /** Discovery is fetched on first use and kept; a failed fetch is tried again next time. */
  private issuer(provider: OidcProviderConfig): Promise<OidcIssuer> {
    let found = this.issuers.get(provider.id);
    if (!found) {
      found = discover(provider.issuer).catch((err: unknown) => {
        this.issuers.delete(provider.id);
        throw new AppError(
          'OAUTH_PROVIDER_ERROR',
          `${provider.name} cannot be reached for sign-in right now (${(err as Error).message}). Try again later.`,
        );
      });
      this.issuers.set(provider.id, found);
    }
    return found;
  }

  private client(provider: ProviderConfig, redirectUri: string): OAuth2Client {
    return new OAuth2Client(provider.clientId, provider.clientSecret, redirectUri);
  }

  async start(
    id: string,
    redirectUri: string,
    linkTo: string | null,
  ): Promise<{ url: URL; cookie: string }> {
    const provider = this.provider(id);
    const flow: Flow = {
      provider: provider.id,
      state: generateState(),
      codeVerifier: generateCodeVerifier(),
      nonce: generateState(),
      linkTo,
      expiresAt: Date.now() + FLOW_TTL_MS,
    };
    const [endpoint, scopes] =
      provider.kind === 'github'
        ? [provider.authorizationEndpoint, ['read:user', 'user:email']]
        : [(await this.issuer(provider)).authorizationEndpoint, ['openid', 'email', 'profile']];
    const url = this.client(provider, redirectUri).createAuthorizationURLWithPKCE(
      endpoint,
      flow.state,
      CodeChallengeMethod.S256,
      flow.codeVerifier,
      scopes,
    );
    if (provider.kind === 'oidc') url.searchParams.set('nonce', flow.nonce);
    return { url, cookie: this.codec.seal(flow) };
  }

  async finish(
    id: string,
    redirectUri: string,
    query: CallbackQuery,
    cookie: string | undefined,
  ): Promise<{ identity: ProviderIdentity; linkTo: string | null }> {
    const provider = this.provider(id);
    const flow = this.codec.open(cookie);
    if (
      !flow ||
      flow.provider !== provider.id ||
      !query.state ||
      !sameString(query.state, flow.state)
    ) {
      throw new AppError('OAUTH_STATE_MISMATCH');
    }
    if (query.error !== undefined) {
      throw query.error === 'access_denied'
        ? new AppError('OAUTH_DENIED')
        : new AppError(
            'OAUTH_PROVIDER_ERROR',
            `${provider.name} refused the sign-in (${query.error.slice(0, 60)}). Start again from the sign-in page.`,
          );
    }
    if (!query.code)
      throw new AppError('OAUTH_PROVIDER_ERROR', `${provider.name} sent no authorization code.`);

    const issuer = provider.kind === 'oidc' ? await this.issuer(provider) : null;
    const tokenEndpoint =
      provider.kind === 'github' ? provider.tokenEndpoint : issuer!.tokenEndpoint;
    let tokens: OAuth2Tokens;
    try {
      tokens = await this.client(provider, redirectUri).validateAuthorizationCode(
        tokenEndpoint,
        query.code,
        flow.codeVerifier,
      );
    } catch (err) {
      const why = err instanceof OAuth2RequestError ? err.code : 'no answer';
      throw new AppError(
        'OAUTH_PROVIDER_ERROR',
        `${provider.name} refused to exchange the authorization code (${why}). Start again from the sign-in page.`,
      );
    }

    if (provider.kind === 'github') {
      return {
        identity: await gitHubIdentity(provider, tokens.accessToken()),
        linkTo: flow.linkTo,
      };
    }
    let idToken: string;
    try {
      idToken = tokens.idToken();
    } catch {
      throw new AppError('OAUTH_ID_TOKEN_INVALID', `${provider.name} sent no ID token.`);
    }
    const claims = await verifyIdToken(idToken, {
      issuer: issuer!,
      clientId: provider.clientId,
      nonce: flow.nonce,
    });
    const subject = claims.sub!;
    const info =
      typeof claims['email'] === 'string'
        ? claims
        : ((await fetchUserinfo(issuer!, tokens.accessToken(), subject)) ?? claims);
    const email =
      info['email_verified'] === true && typeof info['email'] === 'string' ? info['email'] : null;
    const name = typeof info['name'] === 'string' && info['name'].trim() ? info['name'] : null;
    return {
      identity: {
        provider: provider.id,
        subject,
        email,
        displayName: name ?? email ?? `${provider.name} user`,
      },
      linkTo: flow.linkTo,
    };
  }
}
