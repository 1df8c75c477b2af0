import { ERRORS, errorBody, type ErrorBody, type ErrorCode } from '@tandem/protocol';
import { isTransientStoreError } from './store/transient.js';

/**
 * An error with a code from the protocol's catalogue. Thrown anywhere in the
 * server; converted once, at the edge, into a REST response or a socket error.
 */
export class AppError extends Error {
  override name = 'AppError';
  readonly code: ErrorCode;
  readonly field: string | undefined;
  /** Seconds before trying again (RATE_LIMITED, QUEUE_FULL); sent as Retry-After over REST. */
  retryAfter: number | undefined;

  constructor(code: ErrorCode, message?: string, field?: string) {
    super(message ?? ERRORS[code].message);
    this.code = code;
    this.field = field;
  }

  static retryable(
    code: 'RATE_LIMITED' | 'QUEUE_FULL',
    message: string,
    retryAfter: number,
  ): AppError {
    const err = new AppError(code, message);
    err.retryAfter = retryAfter;
    return err;
  }

  get status(): number {
    return ERRORS[this.code].status;
  }

  toBody(): ErrorBody {
    return errorBody(
      this.code,
      this.message,
      this.field === undefined ? {} : { field: this.field },
    );
  }
}

/**
 * A failure because the database is out of reach (restarting, say), as the
 * 503 it is rather than a 500: nothing is wrong with the request. Null for
 * any other error.
 */
export function storeAwayError(err: unknown): AppError | null {
  if (err instanceof AppError || !isTransientStoreError(err)) return null;
  return new AppError(
    'STORE_UNAVAILABLE',
    'The server cannot reach its database right now. Try again in a moment.',
  );
}

/**
 * Anything thrown, as an error body; the database being away becomes
 * STORE_UNAVAILABLE, other unknown errors INTERNAL (logged by the caller).
 */
export function toErrorBody(err: unknown): ErrorBody {
  if (err instanceof AppError) return err.toBody();
  return storeAwayError(err)?.toBody() ?? errorBody('INTERNAL');
}
