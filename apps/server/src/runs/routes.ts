import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  MAX_SOURCE_BYTES,
  MAX_STDIN_BYTES,
  RoomIdSchema,
  RunRequestSchema,
} from '@tandem/protocol';
import { AppError } from '../errors.js';
import { ErrorSchema } from '../http/schemas.js';
import type { Store } from '../store/store.js';
import type { ProblemCatalog } from './problems.js';
import type { RunService } from './run-service.js';
import type { Authenticator } from '../auth/principal.js';
import type { InterviewService } from '../interviews/interview-service.js';
import { credentialsOf } from '../interviews/routes.js';
import { authorize, checkControls } from '../interviews/permissions.js';

const Anything = z.any();

/** REST for integrations: languages, problems, runs. The same runs reach room members over the socket. */
export const runRoutes: FastifyPluginAsyncZod<{
  store: Store;
  runs: RunService;
  problems: ProblemCatalog;
  interviews: InterviewService;
  authenticator: Authenticator;
}> = async (app, { store, runs, problems, interviews, authenticator }) => {
  app.get(
    '/api/languages',
    {
      schema: {
        summary: 'Languages that run on this server',
        tags: ['runs'],
        response: { 200: Anything },
      },
    },
    async () => {
      await runs.initialized;
      return { ...runs.sandboxInfo(), languages: runs.languages() };
    },
  );

  app.get(
    '/api/problems',
    { schema: { summary: 'Sample problems', tags: ['problems'], response: { 200: Anything } } },
    async () => ({ problems: problems.list() }),
  );

  app.get(
    '/api/problems/:id',
    {
      schema: {
        summary: 'A problem (hidden cases are only counted)',
        tags: ['problems'],
        params: z.object({ id: z.string().max(64) }),
        response: { 200: Anything, 404: ErrorSchema },
      },
    },
    async (request) => {
      const problem = problems.get(request.params.id);
      if (!problem) throw new AppError('PROBLEM_NOT_FOUND');
      return problems.view(problem);
    },
  );

  app.post(
    '/api/rooms/:id/runs',
    {
      // Room for a source and stdin at their limits, JSON-escaped, so that
      // validation (not the body parser) says which field is too large.
      bodyLimit: 4 * (MAX_SOURCE_BYTES + MAX_STDIN_BYTES),
      schema: {
        summary: 'Run code in a room (judged when problemId is set)',
        description:
          'Waits for the result unless `wait=false`, which answers 202 with the queued run to poll.',
        tags: ['runs'],
        params: z.object({ id: RoomIdSchema }),
        querystring: z.object({ wait: z.enum(['true', 'false']).default('true') }),
        body: RunRequestSchema,
        response: {
          200: Anything,
          202: Anything,
          400: ErrorSchema,
          404: ErrorSchema,
          429: ErrorSchema,
          503: ErrorSchema,
        },
      },
    },
    async (request, reply) => {
      const { member, interview } = await interviews.member(
        request.params.id,
        await credentialsOf(authenticator, request),
        'rest',
      );
      authorize(member, 'run', request.log);
      checkControls(member, 'run', interview);
      const who = interview
        ? { id: member.participantId!, name: member.name }
        : { id: `ip:${request.ip}`, name: 'API' };
      const run = await runs.start(request.body, who, request.params.id);
      if (request.query.wait === 'false') return reply.code(202).send(run);
      return reply.code(200).send(await runs.finished(run.id));
    },
  );

  app.get(
    '/api/runs/:id',
    {
      schema: {
        summary: 'A run, queued, running or finished',
        tags: ['runs'],
        params: z.object({ id: z.string().regex(/^[A-Za-z0-9_-]{1,32}$/, 'not a run id') }),
        response: { 200: Anything, 404: ErrorSchema },
      },
    },
    async (request) => {
      const run = await runs.get(request.params.id);
      if (!run) throw new AppError('RUN_NOT_FOUND');
      // A run of an interview room is for its members only.
      if (run.roomId && (await store.interviews.get(run.roomId))) {
        await interviews.member(run.roomId, await credentialsOf(authenticator, request), 'rest');
      }
      return run;
    },
  );
};
