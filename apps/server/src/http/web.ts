import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';
import { errorBody } from '@tandem/protocol';

/** The built web app of this checkout: apps/web/dist. */
export function defaultWebDir(): string {
  return path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../web/dist');
}

/**
 * Serves the single-page app: its files as they are, and index.html for app
 * routes (`/`, `/r/:id`, the account pages), so a shared link opens the room. Unknown API paths
 * keep a JSON 404.
 */
/** Pages of the app with a fixed path (rooms are `/r/:id`, invite links `/team/:id` and `/join/:id`). */
const APP_PAGES = new Set(['/', '/signin', '/signup', '/settings']);

export async function serveWeb(app: FastifyInstance, webDir: string): Promise<void> {
  const built = existsSync(path.join(webDir, 'index.html'));
  if (built) {
    // wildcard: false registers one route per file present at start: no path from a URL reaches the disk.
    await app.register(fastifyStatic, { root: webDir, wildcard: false, index: false });
  } else {
    app.log.warn({ webDir }, 'web app not built: run `npm run build` (API and sockets still work)');
  }
  app.setNotFoundHandler((request, reply) => {
    const url = request.url.split('?')[0] ?? '/';
    const appRoute = APP_PAGES.has(url) || /^\/(r|team|join)\/[^/]+\/?$/.test(url);
    if (built && request.method === 'GET' && appRoute) {
      return reply.type('text/html').sendFile('index.html');
    }
    return reply.code(404).send(errorBody('NOT_FOUND', `${request.method} ${url} does not exist`));
  });
}
