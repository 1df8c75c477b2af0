import type { FastifyInstance } from 'fastify';
import type { Metrics } from './metrics.js';

/**
 * `/metrics` in Prometheus's text format, and the HTTP latency of every other
 * request (a hook on the root instance, so it sees every route). Meant for the
 * scraper inside the deployment: the shipped nginx configuration does not pass
 * it through.
 */
export function installMetrics(app: FastifyInstance, metrics: Metrics): void {
  // A callback hook: no promise per request.
  app.addHook('onResponse', (request, reply, done) => {
    const route = request.routeOptions.url;
    if (route !== '/metrics') {
      metrics.httpDuration.observe(
        { method: request.method, route: route ?? 'unmatched', status: String(reply.statusCode) },
        reply.elapsedTime / 1000,
      );
    }
    done();
  });

  app.get('/metrics', { schema: { hide: true } }, async (_request, reply) => {
    const body = await metrics.registry.metrics();
    return reply.type(metrics.registry.contentType).send(body);
  });
}
