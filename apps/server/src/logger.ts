import { pino, type Logger } from 'pino';
import type { Config } from './config.js';

export type { Logger };

/** The root logger; everything else uses child loggers carrying room, socket or request ids. */
export function createLogger(config: Pick<Config, 'logLevel'>): Logger {
  return pino({ level: config.logLevel, base: { service: 'tandem-server' } });
}
