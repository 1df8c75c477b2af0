import { ERRORS, errorBody, type ErrorBody, type ErrorCode } from '@tandem/protocol';

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

/** Anything thrown, as an error body; unknown errors become INTERNAL (and are logged by the caller). */
export function toErrorBody(err: unknown): ErrorBody {
  return err instanceof AppError ? err.toBody() : errorBody('INTERNAL');
}
