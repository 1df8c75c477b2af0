import type { FastifyPluginAsync } from 'fastify';
import type { Store } from '../store/store.js';

/** `/healthz`: the process answers. `/readyz`: and its store answers too. */
export const healthRoutes: FastifyPluginAsync<{ store: Store }> = async (app, { store }) => {
  app.get('/healthz', { schema: { hide: true } }, async () => ({ status: 'ok' }));
  app.get('/readyz', { schema: { hide: true } }, async (_request, reply) => {
    try {
      await store.ping();
      return { status: 'ready', store: 'ok' };
    } catch {
      return reply.code(503).send({ status: 'not ready', store: 'unavailable' });
    }
  });
};
