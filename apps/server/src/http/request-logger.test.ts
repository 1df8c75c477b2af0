import Fastify from 'fastify';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { RequestLogger } from './request-logger.js';

function capture(level: string) {
  const lines: Record<string, unknown>[] = [];
  const logger = pino({ level }, { write: (line: string) => lines.push(JSON.parse(line)) });
  return { logger, lines };
}

describe('RequestLogger', () => {
  it('writes each line at an enabled level with the request id, and nothing below the level', () => {
    const { logger, lines } = capture('warn');
    const log = RequestLogger.factory(logger, { reqId: 'req-1' }, {});
    log.info('not written');
    log.debug({ detail: 1 }, 'not written either');
    expect(lines).toEqual([]);
    log.warn({ roomId: 'r1' }, 'slow %s', 'store');
    log.error(new Error('boom'));
    expect(lines).toMatchObject([
      { level: 40, reqId: 'req-1', roomId: 'r1', msg: 'slow store' },
      { level: 50, reqId: 'req-1', msg: 'boom', err: { message: 'boom' } },
    ]);
  });

  it('follows a route log level, a level change and nests children with both bindings', () => {
    const { logger, lines } = capture('warn');
    const routed = RequestLogger.factory(logger, { reqId: 'req-2' }, { level: 'debug' });
    expect(routed.level).toBe('debug');
    routed.debug('route debug');
    const log = RequestLogger.factory(logger, { reqId: 'req-3' }, {});
    expect(log.level).toBe('warn');
    log.level = 'info';
    log.info('now at info');
    log.child({ roomId: 'r2' }).info('nested');
    expect(lines).toMatchObject([
      { level: 20, reqId: 'req-2', msg: 'route debug' },
      { level: 30, reqId: 'req-3', msg: 'now at info' },
      { level: 30, reqId: 'req-3', roomId: 'r2', msg: 'nested' },
    ]);
  });

  it("gives Fastify's request and response lines the request's id", async () => {
    const { logger, lines } = capture('info');
    const app = Fastify({ loggerInstance: logger, childLoggerFactory: RequestLogger.factory });
    app.get('/', async (request) => {
      request.log.info('in the handler');
      return { ok: true };
    });
    await app.inject({ method: 'GET', url: '/' });
    await app.close();
    const ids = lines.map((line) => line.reqId);
    expect(lines.map((line) => line.msg)).toEqual([
      'incoming request',
      'in the handler',
      'request completed',
    ]);
    expect(ids[0]).toEqual(expect.any(String));
    expect(new Set(ids).size).toBe(1);
  });
});
