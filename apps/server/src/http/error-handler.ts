import type { FastifyError, FastifyInstance } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { errorBody } from '@tandem/protocol';
import { AppError } from '../errors.js';

/** Converts every error, once, into the catalogue's body: 4xx logged at info, 5xx at error. */
export function installErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((err: FastifyError, request, reply) => {
    if (hasZodFastifySchemaValidationErrors(err)) {
      const issue = err.validation[0];
      const field = issue?.instancePath.replace(/^\//, '').replaceAll('/', '.') || undefined;
      const where = err.validationContext === 'body' ? '' : `${err.validationContext} `;
      const message = `${where}${field ?? ''}: ${issue?.message ?? 'invalid'}`.replace(/^: /, '');
      request.log.info({ field }, 'validation failed');
      return reply.code(400).send(errorBody('VALIDATION_FAILED', message, field ? { field } : {}));
    }
    if (err instanceof AppError) {
      request.log.info({ code: err.code }, err.message);
      if (err.retryAfter !== undefined) void reply.header('retry-after', String(err.retryAfter));
      return reply.code(err.status).send(err.toBody());
    }
    const status = err.statusCode ?? 500;
    if (status === 429) return reply.code(429).send(errorBody('RATE_LIMITED', err.message));
    if (status === 413) return reply.code(413).send(errorBody('PAYLOAD_TOO_LARGE'));
    if (status >= 400 && status < 500) {
      request.log.info({ err: err.message }, 'bad request');
      const code = status === 404 ? 'NOT_FOUND' : 'VALIDATION_FAILED';
      return reply.code(status).send(errorBody(code, err.message));
    }
    request.log.error({ err }, 'request failed');
    return reply.code(500).send(errorBody('INTERNAL'));
  });
}
