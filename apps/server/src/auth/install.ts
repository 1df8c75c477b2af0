/**
 * Accounts, assembled: the signing key, the Authenticator, sessions, sign-up,
 * sign-in with its limits, two-factor, and their routes on `http`.
 */
import type { FastifyInstance } from 'fastify';
import type { Config } from '../config.js';
import type { Logger } from '../logger.js';
import type { Store } from '../store/store.js';
import { AccessTokens } from './access-tokens.js';
import { AccountService, type OnSignedUp } from './accounts.js';
import { loadAuthSecret } from './auth-secret.js';
import { TokenAuthenticator } from './authenticator.js';
import { FailureLimiter, type WindowCounters } from '../limits/index.js';
import { meRoutes } from './me-routes.js';
import type { Authenticator } from './principal.js';
import { authRoutes } from './routes.js';
import { Sessions } from './sessions.js';
import { SignIn } from './sign-in.js';
import { twoFactorRoutes } from './two-factor-routes.js';
import { TwoFactor } from './two-factor.js';

export interface InstalledAuth {
  auth: Authenticator;
  sessions: Sessions;
  /** The deployment's secret, for keys derived from it (the provider sign-in flow cookie). */
  authSecret: Uint8Array;
}

export async function installAuth(
  http: FastifyInstance,
  deps: {
    config: Config;
    store: Store;
    logger: Logger;
    onSignedUp?: OnSignedUp | undefined;
    /** Failure counters, shared by every node with Redis. */
    counters: WindowCounters;
  },
): Promise<InstalledAuth> {
  const { config, store, logger, onSignedUp, counters } = deps;
  const authSecret = await loadAuthSecret(config, logger);
  const tokens = new AccessTokens(
    authSecret,
    config.publicUrl === undefined ? 'tandem' : new URL(config.publicUrl).origin,
    config.accessTokenTtlSeconds,
  );
  const auth = new TokenAuthenticator(tokens, store);
  const sessions = new Sessions({ config, store, tokens, logger });
  const accounts = new AccountService({ store, logger, onSignedUp });
  const windowMs = config.signinWindowSeconds * 1000;
  const twoFactor = new TwoFactor(
    store,
    new FailureLimiter(counters, 'totp', config.totpAttemptLimit, windowMs),
  );
  const signIn = new SignIn({
    accounts,
    twoFactor,
    perAccount: new FailureLimiter(counters, 'signin-account', config.signinAccountLimit, windowMs),
    perIp: new FailureLimiter(counters, 'signin-ip', config.signinIpLimit, windowMs),
  });
  await http.register(authRoutes, { config, accounts, signIn, sessions });
  await http.register(meRoutes, { auth, store });
  await http.register(twoFactorRoutes, { auth, store, twoFactor });
  return { auth, sessions, authSecret };
}
