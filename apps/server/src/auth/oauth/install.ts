/** Provider sign-in (GitHub, Google, generic OIDC), assembled: the configured providers and their routes on `http`. */
import type { FastifyInstance } from 'fastify';
import type { Config } from '../../config.js';
import type { Logger } from '../../logger.js';
import type { Store } from '../../store/store.js';
import type { Authenticator } from '../principal.js';
import type { Sessions } from '../sessions.js';
import { OAuthService } from './oauth-service.js';
import { ProviderAccounts } from './provider-accounts.js';
import { configuredProviders } from './providers.js';
import { oauthRoutes } from './routes.js';

export async function installProviderSignIn(
  http: FastifyInstance,
  deps: {
    config: Config;
    store: Store;
    logger: Logger;
    auth: Authenticator;
    sessions: Sessions;
    authSecret: Uint8Array;
  },
): Promise<void> {
  const { config, store, logger, auth, sessions, authSecret } = deps;
  const oauth = new OAuthService(configuredProviders(config), authSecret);
  logger.info({ providers: oauth.list().map((p) => p.id) }, 'sign-in providers');
  await http.register(oauthRoutes, {
    config,
    oauth,
    accounts: new ProviderAccounts(store, logger),
    sessions,
    auth,
  });
}
