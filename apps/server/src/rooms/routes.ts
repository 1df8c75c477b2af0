import type { FastifyReply } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { CreateRoomBodySchema, RoomIdSchema, RoomSchema, errorBody } from '@tandem/protocol';
import type { Config } from '../config.js';
import { AppError } from '../errors.js';
import { fastSerializerCompiler } from '../http/fast-serializer.js';
import { ErrorSchema } from '../http/schemas.js';
import type { RoomWithKind, Store } from '../store/store.js';
import { RoomAnswers } from './room-answers.js';
import { newRoomId, toRoom } from './room-view.js';

const JSON_TYPE = 'application/json; charset=utf-8';

/** PUBLIC_URL, or the origin the request came to: where links point. */
export function baseUrl(config: Config, request: { protocol: string; host: string }): string {
  return config.publicUrl ?? `${request.protocol}://${request.host}`;
}

/** REST for rooms: create one, read one. */
export const roomRoutes: FastifyPluginAsyncZod<{ config: Config; store: Store }> = async (
  app,
  { config, store },
) => {
  const answers = new RoomAnswers();
  app.post(
    '/api/rooms',
    {
      config: {
        rateLimit: {
          max: config.roomCreateLimit,
          timeWindow: 60_000,
          errorResponseBuilder: (_req, ctx) => ({
            statusCode: 429,
            ...errorBody(
              'RATE_LIMITED',
              `Too many rooms created. Try again in ${Math.ceil(ctx.ttl / 1000)} s.`,
            ),
          }),
        },
      },
      schema: {
        summary: 'Create a room',
        tags: ['rooms'],
        body: CreateRoomBodySchema,
        response: { 201: RoomSchema, 400: ErrorSchema, 429: ErrorSchema },
      },
    },
    async (request, reply) => {
      const stored = await store.createRoom({ id: newRoomId(), ...request.body }, null);
      return reply.code(201).send(toRoom(stored, baseUrl(config, request), 'scratch'));
    },
  );

  app.get(
    '/api/rooms/:id',
    {
      // The hot read (issue 5): its 200 is serialized by RoomAnswers; the errors
      // here, without a second zod pass.
      serializerCompiler: fastSerializerCompiler,
      schema: {
        summary: 'Get a room',
        tags: ['rooms'],
        params: z.object({ id: RoomIdSchema }),
        response: { 200: RoomSchema, 400: ErrorSchema, 404: ErrorSchema },
      },
    },
    (request, reply) => {
      // A typed reply only takes the Room object; these are its bytes, serialized.
      const bytes: FastifyReply = reply;
      const send = (found: RoomWithKind | null) => {
        if (!found) throw new AppError('ROOM_NOT_FOUND');
        bytes.header('content-type', JSON_TYPE).send(answers.body(found, baseUrl(config, request)));
      };
      // A cached room is answered at once: no promise, no turn of the event loop.
      const held = store.heldRoomWithKind?.(request.params.id);
      if (held !== undefined) return send(held);
      return store.getRoomWithKind(request.params.id).then(send);
    },
  );
};
