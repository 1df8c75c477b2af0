/**
 * Sessions: a sign-in is a family of refresh tokens (store `auth_sessions`)
 * with an absolute expiry. The refresh token lives only in an HttpOnly,
 * SameSite=Strict cookie (Secure and `__Host-` named over HTTPS); each refresh
 * exchanges it for a new one, and presenting an already exchanged one revokes
 * the family. The access token (JWT) names its family, which is checked on
 * every use, so a revoked family's tokens stop working at once.
 *
 * `issue` is the one way to start a session: password sign-in, sign-up and
 * (later) OAuth sign-in all end with it.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AccountView, AuthSession } from '@tandem/protocol';
import type { Config } from '../config.js';
import { requestCookie } from '../http/cookies.js';
import { AppError } from '../errors.js';
import type { Logger } from '../logger.js';
import type { Store, StoredUser } from '../store/store.js';
import type { AccessTokens } from './access-tokens.js';
import { isSecureContext } from './origin.js';

export const REFRESH_COOKIE = 'tandem_refresh';
export const SECURE_REFRESH_COOKIE = `__Host-${REFRESH_COOKIE}`;

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

const newToken = () => randomBytes(32).toString('base64url');

export function toAccountView(user: StoredUser): AccountView {
  return {
    id: user.id,
    email: user.email,
    displayName: user.displayName,
    createdAt: user.createdAt.toISOString(),
    twoFactorEnabled: user.twoFactorEnabled,
  };
}

export interface SessionsDeps {
  config: Pick<Config, 'publicUrl' | 'sessionTtlDays'>;
  store: Store;
  tokens: AccessTokens;
  logger: Logger;
  now?: () => Date;
}

export class Sessions {
  readonly #deps: SessionsDeps;
  readonly #now: () => Date;

  /**
   * Told which sign-ins just ended (sign-out, sign-out everywhere, a reused
   * refresh token), so their open sockets end on every node, not only at
   * their next handshake. Set by the socket layer.
   */
  ended: (sessionIds: readonly string[]) => void = () => {};

  constructor(deps: SessionsDeps) {
    this.#deps = deps;
    this.#now = deps.now ?? (() => new Date());
  }

  /** The refresh cookie's name for this request: `__Host-` prefixed over HTTPS. */
  cookieName(request: FastifyRequest): string {
    return isSecureContext(this.#deps.config, request) ? SECURE_REFRESH_COOKIE : REFRESH_COOKIE;
  }

  /** Starts a new family for `user`, sets its refresh cookie, and returns the access token. */
  async issue(
    request: FastifyRequest,
    reply: FastifyReply,
    user: StoredUser,
  ): Promise<AuthSession> {
    const now = this.#now();
    const refreshToken = newToken();
    const session = await this.#deps.store.accounts.createSession(
      {
        id: randomBytes(16).toString('base64url'),
        userId: user.id,
        createdAt: now,
        expiresAt: new Date(now.getTime() + this.#deps.config.sessionTtlDays * 86_400_000),
      },
      hashToken(refreshToken),
    );
    this.#setCookie(request, reply, refreshToken, session.expiresAt);
    return this.#answer(user, session.id, now);
  }

  /** Exchanges the request's refresh cookie for a new one. Throws SESSION_EXPIRED (and clears the cookie). */
  async refresh(request: FastifyRequest, reply: FastifyReply): Promise<AuthSession> {
    const presented = requestCookie(request, this.cookieName(request));
    if (presented === undefined || presented === '') {
      throw new AppError('SESSION_EXPIRED', 'You are not signed in.');
    }
    const now = this.#now();
    const next = newToken();
    const outcome = await this.#deps.store.accounts.rotateRefreshToken(
      hashToken(presented),
      hashToken(next),
      now,
    );
    switch (outcome.kind) {
      case 'rotated':
        this.#setCookie(request, reply, next, outcome.session.expiresAt);
        return this.#answer(outcome.user, outcome.session.id, now);
      case 'reused':
        this.ended([outcome.session.id]);
        this.#deps.logger.warn(
          { sessionId: outcome.session.id, userId: outcome.session.userId },
          'refresh token reused: the whole session family is revoked',
        );
        this.clearCookie(request, reply);
        throw new AppError(
          'SESSION_EXPIRED',
          'This sign-in was ended for your safety. Sign in again.',
        );
      case 'ended':
      case 'unknown':
        this.clearCookie(request, reply);
        throw new AppError('SESSION_EXPIRED');
    }
  }

  /** Ends the family of the request's refresh cookie (if any) and clears the cookie. Returns how many ended. */
  async signOut(request: FastifyRequest, reply: FastifyReply): Promise<number> {
    const session = await this.#cookieSession(request);
    this.clearCookie(request, reply);
    if (session === null) return 0;
    const revoked = await this.#deps.store.accounts.revokeSession(session.id, this.#now());
    if (revoked) this.ended([session.id]);
    return revoked ? 1 : 0;
  }

  /** Ends every family of the cookie's account (every device). Throws SESSION_EXPIRED without a live cookie. */
  async signOutEverywhere(request: FastifyRequest, reply: FastifyReply): Promise<number> {
    const session = await this.#cookieSession(request);
    this.clearCookie(request, reply);
    if (session === null || session.revokedAt !== null || session.expiresAt <= this.#now()) {
      throw new AppError('SESSION_EXPIRED', 'You are not signed in.');
    }
    return this.signOutUser(session.userId);
  }

  /** Ends every family of an account (sign-out-all, or after a security change such as a new password). */
  async signOutUser(userId: string): Promise<number> {
    const ids = await this.#deps.store.accounts.revokeUserSessions(userId, this.#now());
    if (ids.length > 0) this.ended(ids);
    return ids.length;
  }

  clearCookie(request: FastifyRequest, reply: FastifyReply): void {
    void reply.clearCookie(this.cookieName(request), this.#cookieOptions(request));
  }

  async #cookieSession(request: FastifyRequest) {
    const presented = requestCookie(request, this.cookieName(request));
    if (presented === undefined || presented === '') return null;
    return this.#deps.store.accounts.sessionByRefreshToken(hashToken(presented));
  }

  #cookieOptions(request: FastifyRequest) {
    return {
      httpOnly: true,
      sameSite: 'strict',
      secure: isSecureContext(this.#deps.config, request),
      path: '/',
    } as const;
  }

  #setCookie(request: FastifyRequest, reply: FastifyReply, token: string, expires: Date): void {
    void reply.setCookie(this.cookieName(request), token, {
      ...this.#cookieOptions(request),
      expires,
    });
  }

  async #answer(user: StoredUser, sessionId: string, now: Date): Promise<AuthSession> {
    const { token, expiresAt } = await this.#deps.tokens.sign({ userId: user.id, sessionId }, now);
    return {
      account: toAccountView(user),
      accessToken: token,
      accessTokenExpiresAt: expiresAt.toISOString(),
    };
  }
}
