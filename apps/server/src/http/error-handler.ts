import type { Socket } from 'node:net';
import type {
  FastifyBaseLogger,
  FastifyError,
  FastifyInstance,
  FastifyReply,
  FastifyRequest,
} from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { ERRORS, errorBody, type ErrorBody, type ErrorCode } from '@tandem/protocol';
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

const FRAMEWORK_CODES: Record<number, ErrorCode> = {
  404: 'NOT_FOUND',
  408: 'REQUEST_TIMEOUT',
  415: 'UNSUPPORTED_MEDIA_TYPE',
  431: 'HEADERS_TOO_LARGE',
};

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
    // Fastify's own 4xx (a body it cannot parse, a content type it has no parser for):
    // answered with the catalogue's code, whose status is the one sent.
    const code = FRAMEWORK_CODES[status] ?? 'VALIDATION_FAILED';
    return { status: ERRORS[code].status, body: errorBody(code, err.message) };
  }
  const away = storeAwayError(err);
  if (away) {
    log.warn({ err: err.message, code: err.code }, 'request failed: the database is out of reach');
    return { status: away.status, body: away.toBody() };
  }
  log.error({ err }, 'request failed');
  return { status: 500, body: errorBody('INTERNAL') };
}

/**
 * Fastify's `frameworkErrors`: a URL it cannot decode (bad percent-encoding)
 * or a path parameter over its length limit never reaches a route, and so
 * not the error handler either; without this its own body (no catalogue code)
 * was sent, with 414 for the long parameter.
 */
export function frameworkError(err: FastifyError, request: FastifyRequest, reply: FastifyReply) {
  request.log.info({ err: err.message }, 'bad url');
  const message =
    err.code === 'FST_ERR_MAX_PARAM_LENGTH'
      ? 'A part of the path is longer than any id this server hands out.'
      : 'The path is not a valid URL (check its percent-encoding).';
  return reply.code(400).send(errorBody('VALIDATION_FAILED', message));
}

/**
 * Node's `clientError`: bytes that are not HTTP (a bad request line, a lying
 * or doubled Content-Length, headers too large, a request too slow to
 * arrive). Answered with the catalogue's body and the connection closed,
 * the way Fastify's default handler does with a body of its own.
 */
export function clientErrorHandler(err: NodeJS.ErrnoException, socket: Socket): void {
  if (err.code === 'ECONNRESET' || socket.destroyed) return;
  const code: ErrorCode =
    err.code === 'ERR_HTTP_REQUEST_TIMEOUT'
      ? 'REQUEST_TIMEOUT'
      : err.code === 'HPE_HEADER_OVERFLOW'
        ? 'HEADERS_TOO_LARGE'
        : 'VALIDATION_FAILED';
  const message =
    code === 'VALIDATION_FAILED'
      ? 'The request is not valid HTTP/1.1, so it was refused.'
      : undefined;
  const body = JSON.stringify(errorBody(code, message));
  const { status } = ERRORS[code];
  if (socket.writable) {
    socket.write(
      `HTTP/1.1 ${status} ${STATUS_TEXT[status]}\r\nContent-Type: application/json\r\n` +
        `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
  }
  socket.destroy(err);
}

const STATUS_TEXT: Record<number, string> = {
  400: 'Bad Request',
  408: 'Request Timeout',
  431: 'Request Header Fields Too Large',
};
