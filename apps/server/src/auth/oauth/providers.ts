/**
 * The sign-in providers this server offers, from the configuration: GitHub
 * (OAuth 2 and its REST API), Google and any OpenID Connect issuer (OIDC with
 * discovery). A provider is offered only when its client id and secret are set.
 */
import type { OAuthProviderId } from '@tandem/protocol';
import type { Config } from '../../config.js';

export interface GitHubProviderConfig {
  id: 'github';
  kind: 'github';
  name: string;
  clientId: string;
  clientSecret: string;
  authorizationEndpoint: string;
  tokenEndpoint: string;
  apiUrl: string;
}

export interface OidcProviderConfig {
  id: 'google' | 'oidc';
  kind: 'oidc';
  name: string;
  clientId: string;
  clientSecret: string;
  issuer: string;
}

export type ProviderConfig = GitHubProviderConfig | OidcProviderConfig;

const trimSlash = (u: string) => u.replace(/\/+$/, '');

export function configuredProviders(config: Config): Map<OAuthProviderId, ProviderConfig> {
  const out = new Map<OAuthProviderId, ProviderConfig>();
  if (config.githubClientId && config.githubClientSecret) {
    const web = trimSlash(config.githubUrl);
    out.set('github', {
      id: 'github',
      kind: 'github',
      name: 'GitHub',
      clientId: config.githubClientId,
      clientSecret: config.githubClientSecret,
      authorizationEndpoint: `${web}/login/oauth/authorize`,
      tokenEndpoint: `${web}/login/oauth/access_token`,
      apiUrl: trimSlash(config.githubApiUrl),
    });
  }
  if (config.googleClientId && config.googleClientSecret) {
    out.set('google', {
      id: 'google',
      kind: 'oidc',
      name: 'Google',
      clientId: config.googleClientId,
      clientSecret: config.googleClientSecret,
      issuer: config.googleIssuer,
    });
  }
  if (config.oidcIssuer && config.oidcClientId && config.oidcClientSecret) {
    out.set('oidc', {
      id: 'oidc',
      kind: 'oidc',
      name: config.oidcName,
      clientId: config.oidcClientId,
      clientSecret: config.oidcClientSecret,
      issuer: config.oidcIssuer,
    });
  }
  return out;
}
