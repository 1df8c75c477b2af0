/**
 * Request loggers made on first use. Fastify gives every request a pino
 * child bound to its id (`reqId`), and making one (serializing the
 * bindings, a new logger object) cost every room read, which at the default
 * level writes no line at all. A `RequestLogger` holds the bindings and
 * makes the child at the first line written at an enabled level, or at
 * `child()`: every line written still carries the request id, as before.
 */
import type { FastifyBaseLogger } from 'fastify';
import { levels, type Bindings, type ChildLoggerOptions } from 'pino';

type LineLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace';

/** pino's number for a level name; `silent` (and anything unknown) above every line. */
function levelValue(level: string): number {
  return levels.values[level] ?? Infinity;
}

export class RequestLogger implements FastifyBaseLogger {
  readonly #parent: FastifyBaseLogger;
  readonly #bindings: Bindings;
  readonly #options: ChildLoggerOptions;
  #made: FastifyBaseLogger | undefined;

  constructor(parent: FastifyBaseLogger, bindings: Bindings, options: ChildLoggerOptions) {
    this.#parent = parent;
    this.#bindings = bindings;
    this.#options = options;
  }

  /** Fastify's `childLoggerFactory`. */
  static factory(
    this: void,
    parent: FastifyBaseLogger,
    bindings: Bindings,
    options: ChildLoggerOptions,
  ): FastifyBaseLogger {
    return new RequestLogger(parent, bindings, options);
  }

  get level(): string {
    return this.#made?.level ?? this.#options.level ?? this.#parent.level;
  }

  set level(level: string) {
    this.#logger().level = level;
  }

  fatal(...args: unknown[]): void {
    this.#write('fatal', args);
  }
  error(...args: unknown[]): void {
    this.#write('error', args);
  }
  warn(...args: unknown[]): void {
    this.#write('warn', args);
  }
  info(...args: unknown[]): void {
    this.#write('info', args);
  }
  debug(...args: unknown[]): void {
    this.#write('debug', args);
  }
  trace(...args: unknown[]): void {
    this.#write('trace', args);
  }
  silent(): void {}

  child(bindings: Bindings, options?: ChildLoggerOptions): FastifyBaseLogger {
    return this.#logger().child(bindings, options);
  }

  #logger(): FastifyBaseLogger {
    this.#made ??= this.#parent.child(this.#bindings, this.#options);
    return this.#made;
  }

  #write(level: LineLevel, args: unknown[]): void {
    // The parent's level is read on every line, so a change to it (at run time) still counts.
    if (levelValue(level) < levelValue(this.level)) return;
    const logger = this.#logger();
    Reflect.apply(logger[level], logger, args);
  }
}
