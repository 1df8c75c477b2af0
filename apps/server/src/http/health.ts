import type { FastifyPluginAsync } from 'fastify';
import type { Store } from '../store/store.js';

/**
 * `/healthz`: the process answers. `/readyz`: and its store answers too (503
 * otherwise: this node cannot save). With several nodes it also reports Redis;
 * without it the node still serves its own clients and saves, so it stays
 * ready but says it is degraded (cross-node fan-out waits for Redis). `saving`
 * says whether commits are waiting for the store (`delayed`) and
 * `unsavedUpdates` how many updates this node holds that are not committed yet.
 * A node shutting down answers 503 "draining" so load balancers stop sending to it.
 */
export const healthRoutes: FastifyPluginAsync<{
  store: Store;
  /** Resolves true when Redis answers; absent in the embedded shape. */
  redis?: () => Promise<boolean>;
  /** Whether commits wait for the store to come back, and how many updates wait. */
  saving?: () => { delayed: boolean; unsaved: number };
  /** True once shutdown has begun. */
  draining: () => boolean;
}> = async (app, { store, redis, saving, draining }) => {
  app.get('/healthz', { schema: { hide: true } }, async () => ({ status: 'ok' }));
  app.get('/readyz', { schema: { hide: true } }, async (_request, reply) => {
    if (draining()) return reply.code(503).send({ status: 'draining' });
    const [storeOk, redisOk] = await Promise.all([
      store.ping().then(
        () => true,
        () => false,
      ),
      redis?.(),
    ]);
    const body = {
      status: !storeOk ? 'not ready' : redisOk === false ? 'degraded' : 'ready',
      store: storeOk ? 'ok' : 'unavailable',
      ...(redisOk === undefined ? {} : { redis: redisOk ? 'ok' : 'unavailable' }),
      ...(saving ? savingFields(saving()) : {}),
    };
    return reply.code(storeOk ? 200 : 503).send(body);
  });
};

function savingFields(s: { delayed: boolean; unsaved: number }) {
  return { saving: s.delayed ? 'delayed' : 'ok', unsavedUpdates: s.unsaved };
}
