import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import {
  errorBody,
  AuthSessionSchema,
  SignInBodySchema,
  SignUpBodySchema,
  SignedOutSchema,
} from '@tandem/protocol';
import type { Config } from '../config.js';
import { ErrorSchema } from '../http/schemas.js';
import type { AccountService } from './accounts.js';
import type { SignIn } from './sign-in.js';
import { assertSameSiteRequest } from './origin.js';
import type { Sessions } from './sessions.js';

export interface AuthRoutesDeps {
  config: Config;
  accounts: AccountService;
  signIn: SignIn;
  sessions: Sessions;
}

/**
 * REST for signing up, in and out. Sign-up and sign-in are public (no cookie
 * is read, so nothing to forge); refresh and sign-out act on the refresh
 * cookie and pass the CSRF guard first.
 */
export const authRoutes: FastifyPluginAsyncZod<AuthRoutesDeps> = async (
  app,
  { config, accounts, signIn, sessions },
) => {
  const sameSiteOnly = async (request: Parameters<typeof assertSameSiteRequest>[1]) =>
    assertSameSiteRequest(config, request);

  app.post(
    '/api/auth/signup',
    {
      config: {
        rateLimit: {
          max: config.signupIpLimit,
          timeWindow: 3_600_000,
          errorResponseBuilder: (_req, ctx) => ({
            statusCode: 429,
            ...errorBody(
              'RATE_LIMITED',
              `Too many accounts created from here. Try again in ${Math.ceil(ctx.ttl / 1000)} s.`,
            ),
          }),
        },
      },
      schema: {
        summary: 'Create an account with email and password, and sign in',
        tags: ['auth'],
        body: SignUpBodySchema,
        response: { 201: AuthSessionSchema, 400: ErrorSchema, 409: ErrorSchema, 429: ErrorSchema },
      },
    },
    async (request, reply) => {
      const user = await accounts.signUp(request.body);
      return reply.code(201).send(await sessions.issue(request, reply, user));
    },
  );

  app.post(
    '/api/auth/signin',
    {
      schema: {
        summary: 'Sign in with email and password',
        tags: ['auth'],
        body: SignInBodySchema,
        response: { 200: AuthSessionSchema, 400: ErrorSchema, 401: ErrorSchema, 429: ErrorSchema },
      },
    },
    async (request, reply) => {
      const user = await signIn.signIn(request.body, request.ip);
      return sessions.issue(request, reply, user);
    },
  );

  app.post(
    '/api/auth/refresh',
    {
      preHandler: sameSiteOnly,
      schema: {
        summary: 'Exchange the refresh cookie for a new access token (and a new cookie)',
        tags: ['auth'],
        response: { 200: AuthSessionSchema, 401: ErrorSchema, 403: ErrorSchema },
      },
    },
    async (request, reply) => sessions.refresh(request, reply),
  );

  app.post(
    '/api/auth/signout',
    {
      preHandler: sameSiteOnly,
      schema: {
        summary: 'Sign out on this device (ends the session at once)',
        tags: ['auth'],
        response: { 200: SignedOutSchema, 403: ErrorSchema },
      },
    },
    async (request, reply) => ({
      signedOut: true as const,
      sessions: await sessions.signOut(request, reply),
    }),
  );

  app.post(
    '/api/auth/signout-all',
    {
      preHandler: sameSiteOnly,
      schema: {
        summary: 'Sign out on every device',
        tags: ['auth'],
        response: { 200: SignedOutSchema, 401: ErrorSchema, 403: ErrorSchema },
      },
    },
    async (request, reply) => ({
      signedOut: true as const,
      sessions: await sessions.signOutEverywhere(request, reply),
    }),
  );
};
