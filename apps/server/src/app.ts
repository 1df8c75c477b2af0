import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import cookie from '@fastify/cookie';
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
import { CLOSE_CODES, PROTOCOL_VERSION } from '@tandem/protocol';
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
import { ThreadExecutor } from './runs/thread-executor.js';
import { BullMqExecutor } from './runs/bullmq-executor.js';
import os from 'node:os';
import { AccessTokens } from './auth/access-tokens.js';
import { AccountService, type OnSignedUp } from './auth/accounts.js';
import { loadAuthSecret } from './auth/auth-secret.js';
import { TokenAuthenticator } from './auth/authenticator.js';
import { meRoutes } from './auth/me-routes.js';
import { OAuthService } from './auth/oauth/oauth-service.js';
import { ProviderAccounts } from './auth/oauth/provider-accounts.js';
import { configuredProviders } from './auth/oauth/providers.js';
import { oauthRoutes } from './auth/oauth/routes.js';
import { createBlobStore, type BlobStore } from './blobs/index.js';
import { uploadRoutes } from './uploads/routes.js';
import type { Authenticator } from './auth/principal.js';
import { authRoutes } from './auth/routes.js';
import { Sessions } from './auth/sessions.js';

export interface AppDeps {
  config: Config;
  store: Store;
  logger: Logger;
  /** Where runs go. Default: worker processes through Redis when REDIS_URL is set, else a worker thread. */
  executor?: ExecutorFactory;
  /** Called (not awaited) when an account has been created: the welcome email's hook. */
  onSignedUp?: OnSignedUp;
  /** Where uploads go. Default: S3 when S3_* is set, else DATA_DIR/blobs. Closed with the app. */
  blobs?: BlobStore;
}

export interface TandemApp {
  http: FastifyInstance;
  io: Server;
  registry: RoomRegistry;
  batcher: UpdateBatcher;
  runs: RunService;
  /** Who is behind a request or an access token. */
  auth: Authenticator;
  /** Starts and ends sessions; `sessions.issue` is the one way to sign someone in. */
  sessions: Sessions;
  /** Flushes every pending update, tells clients to reconnect, and stops serving. The store stays open. */
  close(): Promise<void>;
}

/**
 * Builds the whole server (HTTP, sockets, rooms) without binding a port:
 * `main.ts` listens, tests use `http.inject()` or listen on port 0.
 */
export async function buildApp({
  config,
  store,
  logger,
  executor,
  onSignedUp,
  blobs: givenBlobs,
}: AppDeps): Promise<TandemApp> {
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
      components: {
        securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } },
      },
    },
    transform: jsonSchemaTransform,
  });
  await http.register(cookie);
  await http.register(swaggerUi, { routePrefix: '/api/docs' });
  await http.register(rateLimit, { global: false });

  await http.register(healthRoutes, { store });
  const authSecret = await loadAuthSecret(config, logger);
  const tokens = new AccessTokens(
    authSecret,
    config.publicUrl === undefined ? 'tandem' : new URL(config.publicUrl).origin,
    config.accessTokenTtlSeconds,
  );
  const auth = new TokenAuthenticator(tokens, store);
  const sessions = new Sessions({ config, store, tokens, logger });
  const accounts = new AccountService({ store, logger, onSignedUp });
  await http.register(authRoutes, { config, accounts, sessions });
  await http.register(meRoutes, { auth, store });
  await http.register(oauthRoutes, {
    config,
    oauth: new OAuthService(configuredProviders(config), authSecret),
    accounts: new ProviderAccounts(store, logger),
    sessions,
    auth,
  });
  const blobs = givenBlobs ?? (await createBlobStore(config));
  logger.info({ blobs: blobs.description }, 'blob store ready');
  await http.register(uploadRoutes, { auth, store, blobs, logger });
  await http.register(roomRoutes, { config, store });
  const problems = await ProblemCatalog.load(config.problemsDir ?? defaultProblemsDir());
  const runs = new RunService({
    store,
    problems,
    config,
    logger,
    concurrency: config.runConcurrency ?? os.availableParallelism(),
    executor:
      executor ??
      ((handlers) => {
        const { redisUrl, redisPrefix } = config;
        return redisUrl
          ? new BullMqExecutor(handlers, { redisUrl, prefix: redisPrefix, logger })
          : new ThreadExecutor(handlers, {
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
  const io = attachSocketServer(http.server, {
    config,
    store,
    registry,
    batcher,
    logger,
    runs,
    auth,
  });

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
      await blobs.close();
    })();
    return closing;
  }

  return { http, io, registry, batcher, runs, auth, sessions, close };
}
