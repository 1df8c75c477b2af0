import type { FastifyRequest } from 'fastify';

/** A signed-in account, as the server knows it after checking an access token. */
export interface Account {
  id: string;
  email: string;
  displayName: string;
  /** The sign-in (refresh-token family) the access token belongs to; its sockets end with it. */
  sessionId: string;
}

/**
 * Who is behind a request or a socket handshake. Every authorisation decision
 * starts from one of these, never from anything the client says about itself.
 */
export interface Authenticator {
  /** The account behind a request's `Authorization: Bearer <access token>`, or null. */
  fromRequest(request: FastifyRequest): Promise<Account | null>;
  /** The account behind an access token (socket handshakes send it in `auth.accessToken`), or null. */
  fromAccessToken(token: string): Promise<Account | null>;
}
