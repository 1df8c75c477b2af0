/**
 * Which store failures are worth trying again: the database is restarting,
 * crashed, unreachable or overloaded, as opposed to a statement it refused
 * (a constraint, bad data, a bug), which fails the same way every time.
 */

/** Node's network errors that a restart or a blip of the database server produces. */
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENETDOWN',
  'EAI_AGAIN',
]);

/**
 * SQLSTATEs of a server going away or not ready yet: admin_shutdown (57P01),
 * crash_shutdown (57P02), cannot_connect_now (57P03, starting up or in
 * recovery), too_many_connections (53300), and the whole connection class 08
 * (matched by prefix below). Also serialization_failure (40001) and
 * deadlock_detected (40P01): PostgreSQL asks for those transactions to be
 * run again.
 */
const SQLSTATES = new Set(['57P01', '57P02', '57P03', '53300', '40001', '40P01']);

/** `pg`'s own messages when a connection dies or cannot be had in time (they carry no code). */
const PG_MESSAGES = [
  'Connection terminated',
  'timeout exceeded when trying to connect',
  'Client has encountered a connection error and is not queryable',
];

/** Whether `err` says the database is (for now) out of reach rather than refusing the work. */
export function isTransientStoreError(err: unknown): boolean {
  if (err instanceof AggregateError) return err.errors.some(isTransientStoreError);
  if (typeof err !== 'object' || err === null) return false;
  const code = (err as { code?: unknown }).code;
  if (typeof code === 'string') {
    if (NETWORK_CODES.has(code) || SQLSTATES.has(code) || /^08[0-9A-Z]{3}$/.test(code)) return true;
  }
  const message = (err as { message?: unknown }).message;
  if (typeof message === 'string' && PG_MESSAGES.some((m) => message.includes(m))) return true;
  const cause = (err as { cause?: unknown }).cause;
  return cause !== undefined && cause !== err && isTransientStoreError(cause);
}
