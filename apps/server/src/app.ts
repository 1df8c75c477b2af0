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
import { CLOSE_CODES, PROTOCOL_VERSION, RUN_SLOTS_PER_CORE } from '@tandem/protocol';
import type { Config } from './config.js';
import type { Logger } from './logger.js';
import type { Store } from './store/store.js';
import { UpdateBatcher } from './collab/batcher.js';
import { RoomRegistry } from './collab/room-registry.js';
import { attachSocketServer } from './collab/socket-server.js';
import { Cluster } from './collab/cluster.js';
import { clientErrorHandler, frameworkError, installErrorHandler } from './http/error-handler.js';
import { installTextGuard } from './http/text-guard.js';
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
import { MailService, createMailer, registerMailJobs, type JobQueue } from '@tandem/jobs';
import { createJobQueue } from './queue/index.js';
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

/** Running jobs (an email being sent) get this long at shutdown; later they run again after a restart. */
const JOBS_SHUTDOWN_MS = 10_000;

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
  blobs: givenBlobs,
}: AppDeps): Promise<TandemApp> {
  const http = Fastify({
    loggerInstance: logger as FastifyBaseLogger,
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
  await http.register(cookie);
  await http.register(swaggerUi, { routePrefix: '/api/docs' });
  await http.register(rateLimit, {
    global: false,
    keyGenerator: rateLimitKey,
  });

  // The cluster (and its Redis) comes later; readiness asks it once it exists.
  const redisCheck: { ping?: () => Promise<boolean> } = {};
  await http.register(healthRoutes, {
    store,
    ...(config.redisUrl ? { redis: () => redisCheck.ping?.() ?? Promise.resolve(false) } : {}),
  });
  const jobs = createJobQueue(config, store, logger);
  const mail = new MailService(jobs, appUrl(config));
  // With Redis the worker processes send mail; embedded, this process does.
  const mailer = config.redisUrl ? null : createMailer(config, logger.child({ seam: 'mail' }));
  if (mailer) {
    registerMailJobs(jobs, { mailer, sentLog: store.sentMail });
    await jobs.start();
  }
  const { auth, sessions, authSecret } = await installAuth(http, {
    config,
    store,
    logger,
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
  const batcher = new UpdateBatcher({
    commit: (records) => store.appendUpdates(records),
    delayMs: config.batchDelayMs,
    maxUpdates: config.batchMaxUpdates,
    onCommitted: (counts, waitedMs) => {
      registry.committed(counts);
      metrics.docUpdates.inc(waitedMs.length);
      for (const ms of waitedMs) metrics.persistLag.observe(ms / 1000);
    },
    onError: (err, size) => logger.warn({ err, size }, 'batch commit failed'),
  });
  registry.attachBatcher(batcher);
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
    cluster,
  });

  metrics.watch({
    openSockets: () => io.engine.clientsCount,
    activeRooms: () => registry.loadedCount,
    runQueueDepth: () => runs.queueDepth,
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
      await cluster?.close();
      await jobs.close(JOBS_SHUTDOWN_MS);
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
    close,
  };
}
