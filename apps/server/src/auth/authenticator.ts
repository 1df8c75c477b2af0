import type { FastifyRequest } from 'fastify';
import { AppError } from '../errors.js';
import type { Store } from '../store/store.js';
import type { AccessTokens } from './access-tokens.js';
import type { Account, Authenticator } from './principal.js';

/**
 * The Authenticator on access tokens: a valid JWT whose session is still
 * active (not signed out, not past its absolute expiry) in the store. The
 * session is read on every call, one indexed query, so sign-out takes effect
 * at once on every node.
 */
export class TokenAuthenticator implements Authenticator {
  constructor(
    private readonly tokens: AccessTokens,
    private readonly store: Store,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async fromRequest(request: FastifyRequest): Promise<Account | null> {
    const header = request.headers.authorization;
    if (header === undefined) return null;
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    return match?.[1] === undefined ? null : this.fromAccessToken(match[1]);
  }

  async fromAccessToken(token: string): Promise<Account | null> {
    const claims = await this.tokens.verify(token);
    if (claims === null) return null;
    const active = await this.store.accounts.activeSession(claims.sessionId, this.now());
    if (active === null || active.user.id !== claims.userId) return null;
    const { id, email, displayName } = active.user;
    return { id, email, displayName, sessionId: claims.sessionId };
  }
}

/** The account behind the request; throws UNAUTHENTICATED (401) when there is none. */
export async function requireAccount(
  auth: Authenticator,
  request: FastifyRequest,
): Promise<Account> {
  const account = await auth.fromRequest(request);
  if (account === null) throw new AppError('UNAUTHENTICATED');
  return account;
}
