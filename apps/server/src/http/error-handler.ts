import type { FastifyBaseLogger, FastifyError, FastifyInstance } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { errorBody, type ErrorBody, type ErrorCode } from '@tandem/protocol';
import { AppError, storeAwayError } from '../errors.js';

interface Answer {
  status: number;
  body: ErrorBody;
}

/**
 * Converts every error, once, into the catalogue's body: 4xx logged at info, 5xx at error.
 * `counted` hears the code of every error answered (for metrics).
 */
export function installErrorHandler(
  app: FastifyInstance,
  counted: (code: ErrorCode) => void = () => {},
): void {
  app.setErrorHandler((err: FastifyError, request, reply) => {
    const { status, body } = answer(err, request.log);
    counted(body.code);
    if (err instanceof AppError && err.retryAfter !== undefined) {
      void reply.header('retry-after', String(err.retryAfter));
    }
    return reply.code(status).send(body);
  });
}

function answer(err: FastifyError, log: FastifyBaseLogger): Answer {
  if (hasZodFastifySchemaValidationErrors(err)) {
    const issue = err.validation[0];
    const field = issue?.instancePath.replace(/^\//, '').replaceAll('/', '.') || undefined;
    const where = err.validationContext === 'body' ? '' : `${err.validationContext} `;
    const message = `${where}${field ?? ''}: ${issue?.message ?? 'invalid'}`.replace(/^: /, '');
    log.info({ field }, 'validation failed');
    return { status: 400, body: errorBody('VALIDATION_FAILED', message, field ? { field } : {}) };
  }
  if (err instanceof AppError) {
    log.info({ code: err.code }, err.message);
    return { status: err.status, body: err.toBody() };
  }
  const status = err.statusCode ?? 500;
  if (status === 429) return { status, body: errorBody('RATE_LIMITED', err.message) };
  if (status === 413) return { status, body: errorBody('PAYLOAD_TOO_LARGE') };
  if (status >= 400 && status < 500) {
    log.info({ err: err.message }, 'bad request');
    const code = status === 404 ? 'NOT_FOUND' : 'VALIDATION_FAILED';
    return { status, body: errorBody(code, err.message) };
  }
  const away = storeAwayError(err);
  if (away) {
    log.warn({ err: err.message, code: err.code }, 'request failed: the database is out of reach');
    return { status: away.status, body: away.toBody() };
  }
  log.error({ err }, 'request failed');
  return { status: 500, body: errorBody('INTERNAL') };
}
