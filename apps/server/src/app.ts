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
import type { RoomWithKind, Store } from './store/store.js';
import { UpdateBatcher } from './collab/batcher.js';
import { RoomRegistry } from './collab/room-registry.js';
import { attachSocketServer } from './collab/socket-server.js';
import { Cluster } from './collab/cluster.js';
import { refuseUpgradesThatAreNotGet } from './http/upgrade-guard.js';
import { clientErrorHandler, frameworkError, installErrorHandler } from './http/error-handler.js';
import { installTextGuard } from './http/text-guard.js';
import { installCookies } from './http/cookies.js';
import { RequestLogger } from './http/request-logger.js';
import { rateLimitKey } from './http/rate-limit.js';
import { Metrics } from './metrics/metrics.js';
import { installMetrics } from './metrics/routes.js';
import { healthRoutes } from './http/health.js';
import { installSecurity } from './http/security.js';
import { defaultWebDir, serveWeb } from './http/web.js';
import { roomRoutes } from './rooms/routes.js';
import type { ExecutorFactory } from './runs/executor.js';
import { ProblemCatalog, defaultProblemsDir } from './runs/problems.js';
import { runRoutes } from './runs/routes.js';
import { RunService } from './runs/run-service.js';
import { EmbeddedExecutor } from './runs/embedded-executor.js';
import { BullMqExecutor } from './runs/bullmq-executor.js';
import os from 'node:os';
import { installAuth } from './auth/install.js';
import { installProviderSignIn } from './auth/oauth/install.js';
import { createBlobStore, type BlobStore } from './blobs/index.js';
import { uploadRoutes } from './uploads/routes.js';
import {
  MailService,
  backoffDelay,
  createMailer,
  registerMailJobs,
  type JobQueue,
} from '@tandem/jobs';
import { isTransientStoreError } from './store/transient.js';
import { CachedRoomStore } from './store/cached-room-store.js';
import { RoomCache } from './store/room-cache.js';
import { RoomInvalidations } from './store/room-invalidations.js';
import { createJobQueue } from './queue/index.js';
import { createCounters } from './limits/index.js';
import { RedisCounters } from './limits/redis-counters.js';
import type { Authenticator } from './auth/principal.js';
import type { Sessions } from './auth/sessions.js';
import { InterviewService } from './interviews/interview-service.js';
import { interviewRoutes } from './interviews/routes.js';

export interface AppDeps {
  config: Config;
  store: Store;
  logger: Logger;
  /** Where runs go. Default: worker processes through Redis when REDIS_URL is set, else a worker child process. */
  executor?: ExecutorFactory;
  /** Where uploads go. Default: S3 when S3_* is set, else DATA_DIR/blobs. Closed with the app. */
  blobs?: BlobStore;
}

/** The longest wait between two attempts of a batch commit while the store is out of reach. */
const COMMIT_RETRY_MAX_MS = 1_000;
/**
 * Updates a node keeps at most while the store is out of reach; later ones are
 * refused (STORE_UNAVAILABLE) and kept by their authors, who send them again.
 */
const MAX_UNSAVED_UPDATES = 50_000;

/** The address emails link to: PUBLIC_URL, else this node on localhost. */
function appUrl(config: Config): string {
  return config.publicUrl ?? `http://localhost:${config.port}`;
}

export interface TandemApp {
  http: FastifyInstance;
  io: Server;
  registry: RoomRegistry;
  batcher: UpdateBatcher;
  runs: RunService;
  interviews: InterviewService;
  /** Every route the app serves (`METHOD /path`), e.g. for the role matrix test. */
  routes: readonly string[];
  /** This node's Prometheus metrics (`/metrics`). */
  metrics: Metrics;
  /** Background jobs: BullMQ with REDIS_URL (run by worker processes), else the database (run here). */
  jobs: JobQueue;
  /** Enqueues emails (never waits for them): `mail.sendWelcome(...)` after a sign-up. */
  mail: MailService;
  /** Who is behind a request or an access token. */
  auth: Authenticator;
  /** Starts and ends sessions; `sessions.issue` is the one way to sign someone in. */
  sessions: Sessions;
  /** With REDIS_URL and ROOM_CACHE_SIZE > 0: the feed that keeps this node's room cache in step. */
  roomInvalidations: RoomInvalidations | undefined;
  /** Flushes every pending update, tells clients to reconnect, and stops serving. The store stays open. */
  close(): Promise<void>;
}

/**
 * Builds the whole server (HTTP, sockets, rooms) without binding a port:
 * `main.ts` listens, tests use `http.inject()` or listen on port 0.
 */
export async function buildApp({
  config,
  store: givenStore,
  logger,
  executor,
  blobs: givenBlobs,
}: AppDeps): Promise<TandemApp> {
  const { store, roomInvalidations } = withRoomCache(config, givenStore, logger);
  const http = Fastify({
    loggerInstance: logger as FastifyBaseLogger,
    // Each request's child logger (with its reqId) is made when a line is written.
    childLoggerFactory: RequestLogger.factory,
    trustProxy: config.trustProxy,
    frameworkErrors: frameworkError,
    clientErrorHandler,
  }).withTypeProvider<ZodTypeProvider>();
  http.setValidatorCompiler(validatorCompiler);
  http.setSerializerCompiler(serializerCompiler);
  const metrics = new Metrics();
  installErrorHandler(http, (code) => metrics.errors.inc({ code, transport: 'http' }));
  installTextGuard(http);
  installMetrics(http, metrics);
  await installSecurity(http, config);
  const routes: string[] = [];
  http.addHook('onRoute', (route) => {
    for (const method of [route.method].flat()) routes.push(`${method} ${route.url}`);
  });

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
  await installCookies(http);
  await http.register(swaggerUi, { routePrefix: '/api/docs' });
  const counters = createCounters(config, logger);
  // Route limits (room creation, sign-up...) shared by every node with Redis; skipped while it is away.
  await http.register(rateLimit, {
    global: false,
    keyGenerator: rateLimitKey,
    ...(counters instanceof RedisCounters && {
      redis: counters.redis,
      nameSpace: `${config.redisPrefix}:rate:`,
      skipOnError: true,
    }),
  });

  // The cluster (and its Redis) and the batcher come later; readiness asks them once they exist.
  const redisCheck: { ping?: () => Promise<boolean> } = {};
  let closing: Promise<void> | undefined;
  const savingCheck: { batcher?: UpdateBatcher } = {};
  await http.register(healthRoutes, {
    store,
    draining: () => closing !== undefined,
    ...(config.redisUrl ? { redis: () => redisCheck.ping?.() ?? Promise.resolve(false) } : {}),
    saving: () => ({
      delayed: savingCheck.batcher?.delayed ?? false,
      unsaved: savingCheck.batcher?.size ?? 0,
    }),
  });
  const jobs = createJobQueue(config, store, logger);
  const mail = new MailService(jobs, appUrl(config));
  // With Redis the worker processes send mail; embedded, this process does.
  const mailer = config.redisUrl ? null : createMailer(config, logger.child({ seam: 'mail' }));
  if (mailer) {
    registerMailJobs(jobs, {
      mailer,
      sentLog: store.sentMail,
      claimGraceMs: config.jobLeaseMs,
    });
    await jobs.start();
  }
  const { auth, sessions, authSecret } = await installAuth(http, {
    config,
    store,
    logger,
    counters,
    // Only queues the email: sign-up never waits for mail.
    onSignedUp: async (account) => {
      await mail.sendWelcome({
        email: account.email,
        displayName: account.displayName,
        accountId: account.id,
      });
    },
  });
  await installProviderSignIn(http, { config, store, logger, auth, sessions, authSecret });
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
    counters,
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
  const interviews = new InterviewService({ store, problems, logger });
  await http.register(interviewRoutes, { config, store, interviews, authenticator: auth });
  await http.register(runRoutes, { store, runs, problems, interviews, authenticator: auth });
  await serveWeb(http, config.webDir ?? defaultWebDir());

  const registry: RoomRegistry = new RoomRegistry({
    store,
    logger,
    idleMs: config.roomIdleMs,
    snapshotEvery: config.snapshotEvery,
  });
  // Tells this node's sockets when saving starts and stops waiting for the store.
  let announceSaving: (delayed: boolean) => void = () => {};
  const batcher = new UpdateBatcher({
    commit: (records) => store.appendUpdates(records),
    delayMs: config.batchDelayMs,
    maxUpdates: config.batchMaxUpdates,
    isTransient: isTransientStoreError,
    retryDelayMs: (attempt) => Math.min(COMMIT_RETRY_MAX_MS, backoffDelay(attempt, 100)),
    maxPending: MAX_UNSAVED_UPDATES,
    onCommitted: (counts, waitedMs) => {
      registry.committed(counts);
      metrics.docUpdates.inc(waitedMs.length);
      for (const ms of waitedMs) metrics.persistLag.observe(ms / 1000);
    },
    onError: (err, size, retrying) =>
      logger.warn(
        { err, size },
        retrying ? 'batch commit failed; keeping it and trying again' : 'batch commit failed',
      ),
    onDelayedChange: (delayed) => {
      if (delayed) logger.warn('saving waits for the store; updates are kept');
      else logger.info('saving works again');
      announceSaving(delayed);
    },
  });
  registry.attachBatcher(batcher);
  savingCheck.batcher = batcher;
  const cluster = config.redisUrl
    ? new Cluster({
        redisUrl: config.redisUrl,
        prefix: config.redisPrefix,
        repairMs: config.replicaRepairMs,
        store,
        registry,
        logger,
      })
    : undefined;
  if (cluster) redisCheck.ping = () => cluster.ping();
  const io = attachSocketServer(http.server, {
    config,
    store,
    registry,
    batcher,
    logger,
    runs,
    interviews,
    auth,
    sessions,
    cluster,
  });
  refuseUpgradesThatAreNotGet(http.server);

  announceSaving = (delayed) =>
    io.local.emit('saving:status', { saving: delayed ? 'delayed' : 'ok' });

  metrics.watch({
    openSockets: () => io.engine.clientsCount,
    activeRooms: () => registry.loadedCount,
    runQueueDepth: () => runs.queueDepth,
  });

  async function close(): Promise<void> {
    closing ??= (async () => {
      const started = Date.now();
      // What is in flight is committed and acknowledged while clients still listen.
      await batcher.flush();
      // This node's clients only: through the Redis adapter, io.emit and
      // io.disconnectSockets would reach every node's clients.
      io.local.emit('session:closed', {
        code: CLOSE_CODES.SERVER_SHUTDOWN,
        reason: 'The server is restarting.',
      });
      // Closes this node's sockets at the transport, so clients reconnect on
      // their own (through the load balancer, to another node), then stops
      // listening. Updates that arrived meanwhile are flushed by closeAll.
      await new Promise<void>((resolve) => io.close(() => resolve()));
      await http.close();
      await registry.closeAll();
      await runs.close();
      await blobs.close();
      await cluster?.close();
      await counters.close();
      await roomInvalidations?.close();
      // Running jobs (an email being sent) get what is left of the deadline; later they run again.
      await jobs.close(Math.max(1_000, config.shutdownTimeoutMs - (Date.now() - started) - 1_000));
      await mailer?.close();
    })();
    return closing;
  }

  return {
    http,
    io,
    registry,
    batcher,
    runs,
    metrics,
    jobs,
    mail,
    auth,
    sessions,
    interviews,
    routes,
    roomInvalidations,
    close,
  };
}

/** The store with its room reads cached (ROOM_CACHE_SIZE), kept in step across nodes through Redis. */
function withRoomCache(
  config: Config,
  store: Store,
  logger: Logger,
): { store: Store; roomInvalidations: RoomInvalidations | undefined } {
  if (config.roomCacheSize === 0) return { store, roomInvalidations: undefined };
  const cache = new RoomCache<RoomWithKind>({
    max: config.roomCacheSize,
    ttlMs: config.roomCacheTtlMs,
  });
  const roomInvalidations = config.redisUrl
    ? new RoomInvalidations({
        redisUrl: config.redisUrl,
        prefix: config.redisPrefix,
        cache,
        logger: logger.child({ seam: 'room-cache' }),
      })
    : undefined;
  const cached = new CachedRoomStore(store, cache, (roomId) => roomInvalidations?.publish(roomId));
  return { store: cached, roomInvalidations };
}
