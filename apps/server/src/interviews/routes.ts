import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import * as Y from 'yjs';
import {
  CreateInterviewBodySchema,
  DEFAULT_LANGUAGE,
  GUEST_TOKEN_HEADER,
  InterviewCommandSchema,
  JoinAsStaffBodySchema,
  LobbyRequestBodySchema,
  NOTES_TEXT_KEY,
  RoomIdSchema,
  ScorecardBodySchema,
  errorBody,
} from '@tandem/protocol';
import type { Authenticator } from '../auth/principal.js';
import type { Config } from '../config.js';
import { AppError } from '../errors.js';
import { ErrorSchema } from '../http/schemas.js';
import { baseUrl } from '../rooms/routes.js';
import type { Store } from '../store/store.js';
import type { Credentials, InterviewService } from './interview-service.js';
import { authorize } from './permissions.js';

const Anything = z.any();
const Params = z.object({ id: RoomIdSchema });

/** The credentials of a REST call: `Authorization: Bearer` (accounts) and the guest header (candidates). */
export async function credentialsOf(
  authenticator: Authenticator,
  request: FastifyRequest,
): Promise<Credentials> {
  const header = request.headers[GUEST_TOKEN_HEADER];
  return {
    account: await authenticator.fromRequest(request),
    guestToken: typeof header === 'string' ? header : undefined,
  };
}

/** REST for interview rooms. Every route resolves the caller's stored role before acting. */
export const interviewRoutes: FastifyPluginAsyncZod<{
  config: Config;
  store: Store;
  interviews: InterviewService;
  authenticator: Authenticator;
}> = async (app, { config, store, interviews, authenticator }) => {
  const member = async (request: FastifyRequest, roomId: string) =>
    interviews.member(roomId, await credentialsOf(authenticator, request), 'rest');
  const signedIn = async (request: FastifyRequest) => {
    const account = await authenticator.fromRequest(request);
    if (!account)
      throw new AppError(
        'UNAUTHENTICATED',
        'Sign in to create or join an interview as an interviewer.',
      );
    return account;
  };
  const interviewOf = (found: { interview: unknown }) => {
    if (!found.interview)
      throw new AppError('FORBIDDEN', 'This is a scratch room: it has no interviewer controls.');
    return found.interview as NonNullable<
      Awaited<ReturnType<InterviewService['member']>>['interview']
    >;
  };

  app.post(
    '/api/interviews',
    {
      schema: {
        summary: 'Create an interview room (signed in): you are its host',
        tags: ['interviews'],
        body: CreateInterviewBodySchema,
        response: { 201: Anything, 400: ErrorSchema, 401: ErrorSchema, 404: ErrorSchema },
      },
    },
    async (request, reply) => {
      const account = await signedIn(request);
      const { room, interview } = await interviews.create(account, {
        ...request.body,
        language: request.body.language ?? DEFAULT_LANGUAGE,
      });
      const { member: host } = await interviews.member(room.id, { account }, 'rest');
      const details = await interviews.details(
        host,
        interview,
        baseUrl(config, request),
        request.log,
      );
      return reply.code(201).send(details);
    },
  );

  app.get(
    '/api/interviews/:id',
    {
      schema: {
        summary:
          'An interview as its staff see it (participants, lobby, scorecards; links for interviewers)',
        tags: ['interviews'],
        params: Params,
        response: { 200: Anything, 401: ErrorSchema, 403: ErrorSchema, 404: ErrorSchema },
      },
    },
    async (request) => {
      const found = await member(request, request.params.id);
      return interviews.details(
        found.member,
        interviewOf(found),
        baseUrl(config, request),
        request.log,
      );
    },
  );

  app.post(
    '/api/interviews/:id/staff',
    {
      schema: {
        summary: 'Join as an interviewer with the interviewer link (signed in)',
        tags: ['interviews'],
        params: Params,
        body: JoinAsStaffBodySchema,
        response: {
          200: Anything,
          400: ErrorSchema,
          401: ErrorSchema,
          403: ErrorSchema,
          404: ErrorSchema,
        },
      },
    },
    async (request) => {
      const account = await signedIn(request);
      await interviews.joinAsStaff(account, request.params.id, request.body.key);
      const found = await member(request, request.params.id);
      return interviews.details(
        found.member,
        interviewOf(found),
        baseUrl(config, request),
        request.log,
      );
    },
  );

  app.post(
    '/api/interviews/:id/lobby',
    {
      config: {
        rateLimit: {
          max: config.lobbyRequestLimit,
          timeWindow: 60_000,
          errorResponseBuilder: (_req, ctx) => ({
            statusCode: 429,
            ...errorBody(
              'RATE_LIMITED',
              `Too many requests to join. Try again in ${Math.ceil(ctx.ttl / 1000)} s.`,
            ),
          }),
        },
      },
      schema: {
        summary:
          'A candidate asks to enter (candidate link): a guest credential and a place in the lobby',
        tags: ['interviews'],
        params: Params,
        body: LobbyRequestBodySchema,
        response: {
          201: Anything,
          400: ErrorSchema,
          403: ErrorSchema,
          404: ErrorSchema,
          409: ErrorSchema,
          429: ErrorSchema,
        },
      },
    },
    async (request, reply) => {
      const ticket = await interviews.requestLobby(request.params.id, request.body);
      return reply.code(201).send(ticket);
    },
  );

  app.post(
    '/api/interviews/:id/commands',
    {
      schema: {
        summary: 'An interviewer control (the same commands as the socket event interview:command)',
        tags: ['interviews'],
        params: Params,
        body: InterviewCommandSchema,
        response: {
          200: Anything,
          400: ErrorSchema,
          401: ErrorSchema,
          403: ErrorSchema,
          404: ErrorSchema,
          409: ErrorSchema,
        },
      },
    },
    async (request) => {
      const found = await member(request, request.params.id);
      return interviews.command(found.member, request.body, baseUrl(config, request), request.log);
    },
  );

  app.put(
    '/api/interviews/:id/scorecard',
    {
      schema: {
        summary: "Save the caller's scorecard (host and interviewers)",
        tags: ['interviews'],
        params: Params,
        body: ScorecardBodySchema,
        response: {
          200: Anything,
          400: ErrorSchema,
          401: ErrorSchema,
          403: ErrorSchema,
          404: ErrorSchema,
        },
      },
    },
    async (request) => {
      const found = await member(request, request.params.id);
      interviewOf(found);
      return interviews.saveScorecard(found.member, request.body, request.log);
    },
  );

  app.get(
    '/api/interviews/:id/notes',
    {
      schema: {
        summary: 'The private notes as text (staff)',
        tags: ['interviews'],
        params: Params,
        response: { 200: Anything, 401: ErrorSchema, 403: ErrorSchema, 404: ErrorSchema },
      },
    },
    async (request) => {
      const found = await member(request, request.params.id);
      interviewOf(found);
      authorize(found.member, 'notes:read', request.log);
      const doc = new Y.Doc();
      for (const u of await store.interviews.loadNotes(request.params.id)) Y.applyUpdateV2(doc, u);
      const text = doc.getText(NOTES_TEXT_KEY).toString();
      doc.destroy();
      return { text };
    },
  );
};
