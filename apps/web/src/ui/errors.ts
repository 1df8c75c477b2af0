import { TandemApiError } from '@tandem/client';

/** A sentence a person can act on, for any failure of an API call. */
export function describeApiError(error: unknown): string {
  if (error instanceof TandemApiError) {
    if (error.code === 'RATE_LIMITED') {
      const wait = error.retryAfterSeconds;
      return wait
        ? `Too many requests. Try again in ${formatSeconds(wait)}.`
        : 'Too many requests. Wait a moment and try again.';
    }
    return error.message;
  }
  // fetch rejects with a TypeError when the server cannot be reached at all.
  return 'The server could not be reached. Check your connection and try again.';
}

export function formatSeconds(seconds: number): string {
  const s = Math.max(1, Math.ceil(seconds));
  if (s < 60) return `${s} second${s === 1 ? '' : 's'}`;
  const m = Math.ceil(s / 60);
  return `${m} minute${m === 1 ? '' : 's'}`;
}
