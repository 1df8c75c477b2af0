import { ERRORS, type ErrorBody, type ErrorCode } from '@tandem/protocol';

/** An error the server reported, with its stable code. */
export class TandemError extends Error {
  override name = 'TandemError';
  readonly code: ErrorCode;
  readonly field: string | undefined;

  constructor(body: ErrorBody) {
    super(body.message);
    this.code = body.code;
    this.field = body.field;
  }
}

/** A REST call failed: the HTTP status plus the server's error body. */
export class TandemApiError extends TandemError {
  override name = 'TandemApiError';
  readonly status: number;
  /** From `Retry-After`, on 429 and 503. */
  readonly retryAfterSeconds: number | undefined;

  constructor(status: number, body: ErrorBody, retryAfterSeconds?: number) {
    super(body);
    this.status = status;
    this.retryAfterSeconds = retryAfterSeconds;
  }
}

export function isErrorBody(value: unknown): value is ErrorBody {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as ErrorBody).code === 'string' &&
    (value as ErrorBody).code in ERRORS &&
    typeof (value as ErrorBody).message === 'string'
  );
}
