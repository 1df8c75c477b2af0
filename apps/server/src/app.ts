import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import rateLimit from '@fastify/rate-limit';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import {
  jsonSchemaTransform,
  serializerCompiler,
  validatorCompiler,
  type ZodTypeProvider,
} from 'fastify-type-provider-zod';
import type { Server } from 'socket.io';
import { CLOSE_CODES, PROTOCOL_VERSION, RUN_SLOTS_PER_CORE } from '@tandem/protocol';
import type { Config } from './config.js';
import type { Logger } from './logger.js';
import type { Store } from './store/store.js';
import { UpdateBatcher } from './collab/batcher.js';
import { RoomRegistry } from './collab/room-registry.js';
import { attachSocketServer } from './collab/socket-server.js';
import { installErrorHandler } from './http/error-handler.js';
import { healthRoutes } from './http/health.js';
import { defaultWebDir, serveWeb } from './http/web.js';
import { roomRoutes } from './rooms/routes.js';
import type { ExecutorFactory } from './runs/executor.js';
import { ProblemCatalog, defaultProblemsDir } from './runs/problems.js';
import { runRoutes } from './runs/routes.js';
import { RunService } from './runs/run-service.js';
import { EmbeddedExecutor } from './runs/embedded-executor.js';
import { BullMqExecutor } from './runs/bullmq-executor.js';
import os from 'node:os';

export interface AppDeps {
  config: Config;
  store: Store;
  logger: Logger;
  /** Where runs go. Default: worker processes through Redis when REDIS_URL is set, else a worker child process. */
  executor?: ExecutorFactory;
}

export interface TandemApp {
  http: FastifyInstance;
  io: Server;
  registry: RoomRegistry;
  batcher: UpdateBatcher;
  runs: RunService;
  /** Flushes every pending update, tells clients to reconnect, and stops serving. The store stays open. */
  close(): Promise<void>;
}

/**
 * Builds the whole server (HTTP, sockets, rooms) without binding a port:
 * `main.ts` listens, tests use `http.inject()` or listen on port 0.
 */
export async function buildApp({ config, store, logger, executor }: AppDeps): Promise<TandemApp> {
  const http = Fastify({
    loggerInstance: logger as FastifyBaseLogger,
  }).withTypeProvider<ZodTypeProvider>();
  http.setValidatorCompiler(validatorCompiler);
  http.setSerializerCompiler(serializerCompiler);
  installErrorHandler(http);

  await http.register(swagger, {
    openapi: {
      info: {
        title: 'Tandem API',
        version: String(PROTOCOL_VERSION),
        description:
          'Rooms for live coding interviews. Real-time editing runs over Socket.IO; see docs/PROTOCOL.md.',
      },
    },
    transform: jsonSchemaTransform,
  });
  await http.register(swaggerUi, { routePrefix: '/api/docs' });
  await http.register(rateLimit, { global: false });

  await http.register(healthRoutes, { store });
  await http.register(roomRoutes, { config, store });
  const problems = await ProblemCatalog.load(config.problemsDir ?? defaultProblemsDir());
  const runs = new RunService({
    store,
    problems,
    config,
    logger,
    concurrency: config.runConcurrency ?? os.availableParallelism() * RUN_SLOTS_PER_CORE,
    executor:
      executor ??
      ((handlers) => {
        const { redisUrl, redisPrefix } = config;
        return redisUrl
          ? new BullMqExecutor(handlers, { redisUrl, prefix: redisPrefix, logger })
          : new EmbeddedExecutor(handlers, {
              backend: config.sandboxBackend,
              logger,
              logLevel: config.logLevel,
            });
      }),
  });
  await http.register(runRoutes, { store, runs, problems });
  await serveWeb(http, config.webDir ?? defaultWebDir());

  const registry: RoomRegistry = new RoomRegistry({
    store,
    logger,
    idleMs: config.roomIdleMs,
    snapshotEvery: config.snapshotEvery,
  });
  const batcher = new UpdateBatcher({
    commit: (records) => store.appendUpdates(records),
    delayMs: config.batchDelayMs,
    maxUpdates: config.batchMaxUpdates,
    onCommitted: (counts) => registry.committed(counts),
    onError: (err, size) => logger.warn({ err, size }, 'batch commit failed'),
  });
  registry.attachBatcher(batcher);
  const io = attachSocketServer(http.server, { config, store, registry, batcher, logger, runs });

  let closing: Promise<void> | undefined;
  async function close(): Promise<void> {
    closing ??= (async () => {
      await batcher.flush();
      io.emit('session:closed', {
        code: CLOSE_CODES.SERVER_SHUTDOWN,
        reason: 'The server is restarting.',
      });
      io.disconnectSockets(true);
      await new Promise<void>((resolve) => io.close(() => resolve()));
      await http.close();
      await registry.closeAll();
      await runs.close();
    })();
    return closing;
  }

  return { http, io, registry, batcher, runs, close };
}
