/**
 * The one configuration table. Each option: environment variable, description,
 * default, parser. The environment is read once, at boot; a bad value stops the
 * boot with the option's name and the reason. docs/OPERATIONS.md is checked
 * against this table by a test.
 */
import path from 'node:path';
import { bool, int, mailbox, oneOf, str, url } from './parsers.js';

export class ConfigError extends Error {
  override name = 'ConfigError';
}

interface Option<T> {
  env: string;
  description: string;
  /** Shown in docs; `undefined` means "unset". */
  default: string | undefined;
  parse: (raw: string) => T;
}

export const OPTIONS = {
  port: {
    env: 'PORT',
    description: 'TCP port for HTTP, sockets and the web app.',
    default: '3000',
    parse: int(0, 65535),
  },
  host: { env: 'HOST', description: 'Address to bind.', default: '0.0.0.0', parse: str },
  dataDir: {
    env: 'DATA_DIR',
    description:
      'Folder for embedded data: the PGlite database, and the mail outbox (`mail/`) when SMTP_URL is unset.',
    default: './data',
    parse: (raw: string) => path.resolve(raw),
  },
  databaseUrl: {
    env: 'DATABASE_URL',
    description: 'PostgreSQL URL. Unset: embedded PGlite under DATA_DIR.',
    default: undefined,
    parse: url(['postgres:', 'postgresql:']),
  },
  databasePoolSize: {
    env: 'DATABASE_POOL_SIZE',
    description: 'PostgreSQL pool size per node.',
    default: '10',
    parse: int(1, 200),
  },
  publicUrl: {
    env: 'PUBLIC_URL',
    description:
      'Base URL people use to reach Tandem; join links start with it. Unset: derived from the request.',
    default: undefined,
    parse: url(['http:', 'https:']),
  },
  logLevel: {
    env: 'LOG_LEVEL',
    description: 'pino log level.',
    default: 'info',
    parse: oneOf(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const),
  },
  protocolTrace: {
    env: 'PROTOCOL_TRACE',
    description: 'Log every socket message at debug level.',
    default: 'false',
    parse: bool,
  },
  maxUpdateBytes: {
    env: 'MAX_UPDATE_BYTES',
    description: 'Largest accepted socket message (document or awareness update), in bytes.',
    default: String(1024 * 1024),
    parse: int(1024, 64 * 1024 * 1024),
  },
  abuseLimit: {
    env: 'ABUSE_LIMIT',
    description: 'Invalid messages from one connection within a minute before it is disconnected.',
    default: '20',
    parse: int(1, 100000),
  },
  batchDelayMs: {
    env: 'BATCH_DELAY_MS',
    description:
      'How long updates are gathered before they are committed together in one transaction.',
    default: '2',
    parse: int(0, 1000),
  },
  batchMaxUpdates: {
    env: 'BATCH_MAX_UPDATES',
    description: 'Commit at once when this many updates are waiting.',
    default: '500',
    parse: int(1, 100000),
  },
  snapshotEvery: {
    env: 'SNAPSHOT_EVERY',
    description: 'Write a snapshot after this many updates to a room (speeds up loading).',
    default: '1000',
    parse: int(10, 10_000_000),
  },
  roomIdleMs: {
    env: 'ROOM_IDLE_MS',
    description: 'A room with nobody connected is unloaded from memory after this long.',
    default: '10000',
    parse: int(0, 30_000),
  },
  roomCacheSize: {
    env: 'ROOM_CACHE_SIZE',
    description:
      'Rooms each node keeps in its read cache (GET /api/rooms/:id, socket joins), least recently used dropped first. A change is seen at once on its own node and, with REDIS_URL, on other nodes when its invalidation message arrives (docs/DECISIONS.md). 0 disables the cache.',
    default: '10000',
    parse: int(0, 1_000_000),
  },
  roomCacheTtlMs: {
    env: 'ROOM_CACHE_TTL_MS',
    description:
      'Longest time a cached room is served before it is read again: the bound on staleness if an invalidation message is lost (a node that committed a change died before publishing it).',
    default: '5000',
    parse: int(1, 3_600_000),
  },
  socketRecoveryMs: {
    env: 'SOCKET_RECOVERY_MS',
    description:
      'How long a dropped socket can come back (to any node) and be sent the room events it missed, if its role, lobby status and sign-in are unchanged (docs/DECISIONS.md). 0 disables: every reconnect is a fresh join.',
    default: '120000',
    parse: int(0, 600_000),
  },
  roomCreateLimit: {
    env: 'ROOM_CREATE_LIMIT',
    description: 'Rooms one client (IP) may create per minute.',
    default: '30',
    parse: int(1, 100000),
  },
  lobbyRequestLimit: {
    env: 'LOBBY_REQUEST_LIMIT',
    description: 'Requests to join an interview (candidate link) per client IP per minute.',
    default: '20',
    parse: int(1, 100000),
  },
  runConcurrency: {
    env: 'RUN_CONCURRENCY',
    description: 'Sandboxed runs executed at once per worker. Default: two per CPU core.',
    default: undefined,
    parse: int(1, 256),
  },
  runQueueLimit: {
    env: 'RUN_QUEUE_LIMIT',
    description: 'Runs waiting in the queue before new ones are refused with 503.',
    default: '100',
    parse: int(1, 100000),
  },
  runRatePerUser: {
    env: 'RUN_RATE_PER_USER',
    description: 'Runs one person (or one IP over REST) may start per minute.',
    default: '10',
    parse: int(1, 100000),
  },
  runRatePerRoom: {
    env: 'RUN_RATE_PER_ROOM',
    description: 'Runs one room may start per minute.',
    default: '30',
    parse: int(1, 100000),
  },
  redisUrl: {
    env: 'REDIS_URL',
    description:
      'Redis URL. Set: runs and background jobs (mail) go through BullMQ queues to worker processes (`npm run worker`). Unset: runs in a worker child process started by this one, jobs in a queue in the database, run here.',
    default: undefined,
    parse: url(['redis:', 'rediss:']),
  },
  redisPrefix: {
    env: 'REDIS_PREFIX',
    description: 'Prefix of every Redis key Tandem uses (queues, worker announcements, channels).',
    default: 'tandem',
    parse: (raw: string) => {
      if (!/^[A-Za-z0-9_.:-]{1,64}$/.test(raw)) {
        throw new Error(`expected letters, digits, "_.:-" (1 to 64), got "${raw}"`);
      }
      return raw;
    },
  },
  replicaRepairMs: {
    env: 'REPLICA_REPAIR_MS',
    description:
      'With REDIS_URL: how often each node reads what other nodes committed for its loaded rooms, repairing anything cross-node fan-out missed.',
    default: '2000',
    parse: int(100, 600_000),
  },
  smtpUrl: {
    env: 'SMTP_URL',
    description:
      'SMTP server for outgoing mail, e.g. `smtps://user:password@mail.example.com`. Unset: each email is written as an `.eml` file under DATA_DIR/mail.',
    default: undefined,
    parse: url(['smtp:', 'smtps:']),
  },
  mailFrom: {
    env: 'MAIL_FROM',
    description: 'Sender of outgoing mail (an address, or `Name <address>`).',
    default: 'Tandem <tandem@localhost>',
    parse: mailbox,
  },
  jobAttempts: {
    env: 'JOB_ATTEMPTS',
    description: 'Attempts a background job (an email) gets in all before it fails for good.',
    default: '10',
    parse: int(1, 100),
  },
  jobBackoffMs: {
    env: 'JOB_BACKOFF_MS',
    description:
      'Wait before a failed job is tried again; each later retry waits twice as long (2 s, 4 s, 8 s, ...).',
    default: '2000',
    parse: int(0, 3_600_000),
  },
  jobLeaseMs: {
    env: 'JOB_LEASE_MS',
    description:
      'How long a running job stays with its process without a renewal; a job whose process died is taken again after this.',
    default: '30000',
    parse: int(500, 3_600_000),
  },
  jobPollMs: {
    env: 'JOB_POLL_MS',
    description: 'Embedded queue: how often the database is checked for due jobs.',
    default: '1000',
    parse: int(10, 60_000),
  },
  jobConcurrency: {
    env: 'JOB_CONCURRENCY',
    description: 'Background jobs (not runs) handled at once per process.',
    default: '4',
    parse: int(1, 100),
  },
  shutdownTimeoutMs: {
    env: 'SHUTDOWN_TIMEOUT_MS',
    description:
      "After SIGTERM: a server node saves what it holds, moves its clients to other nodes and closes its connections within this time, else exits with code 1; a worker takes no new jobs and gives its running ones this long, then aborts its runs, leaves unfinished mail jobs to another worker, and exits. Keep it below the orchestrator's grace period.",
    default: '20000',
    parse: int(1_000, 600_000),
  },
  sandboxBackend: {
    env: 'SANDBOX_BACKEND',
    description: 'auto (bubblewrap when usable, else WebAssembly), bubblewrap, or wasm.',
    default: 'auto',
    parse: oneOf(['auto', 'bubblewrap', 'wasm'] as const),
  },
  problemsDir: {
    env: 'PROBLEMS_DIR',
    description: 'Folder of problem files (JSON). Unset: the sample problems shipped in problems/.',
    default: undefined,
    parse: (raw: string) => path.resolve(raw),
  },
  webDir: {
    env: 'WEB_DIR',
    description: 'Folder of the built web app to serve. Unset: apps/web/dist of this checkout.',
    default: undefined,
    parse: (raw: string) => path.resolve(raw),
  },
  githubClientId: {
    env: 'GITHUB_CLIENT_ID',
    description:
      'Client id of a GitHub OAuth app; set with GITHUB_CLIENT_SECRET to offer "Continue with GitHub". Callback URL: PUBLIC_URL/api/auth/oauth/github/callback.',
    default: undefined,
    parse: str,
  },
  githubClientSecret: {
    env: 'GITHUB_CLIENT_SECRET',
    description: 'Client secret of the GitHub OAuth app.',
    default: undefined,
    parse: str,
  },
  githubUrl: {
    env: 'GITHUB_URL',
    description: 'Where GitHub sign-in pages live (GitHub Enterprise: your server).',
    default: 'https://github.com',
    parse: url(['http:', 'https:']),
  },
  githubApiUrl: {
    env: 'GITHUB_API_URL',
    description: 'GitHub REST API base (GitHub Enterprise: https://HOST/api/v3).',
    default: 'https://api.github.com',
    parse: url(['http:', 'https:']),
  },
  googleClientId: {
    env: 'GOOGLE_CLIENT_ID',
    description:
      'OAuth client id from Google Cloud; set with GOOGLE_CLIENT_SECRET to offer "Continue with Google". Callback URL: PUBLIC_URL/api/auth/oauth/google/callback.',
    default: undefined,
    parse: str,
  },
  googleClientSecret: {
    env: 'GOOGLE_CLIENT_SECRET',
    description: 'OAuth client secret from Google Cloud.',
    default: undefined,
    parse: str,
  },
  googleIssuer: {
    env: 'GOOGLE_ISSUER',
    description: "Google's OpenID Connect issuer; its discovery document names the endpoints.",
    default: 'https://accounts.google.com',
    parse: url(['http:', 'https:']),
  },
  oidcIssuer: {
    env: 'OIDC_ISSUER',
    description:
      'Issuer URL of any OpenID Connect provider (Keycloak, Authentik, Okta, ...); set with OIDC_CLIENT_ID and OIDC_CLIENT_SECRET to offer it. Callback URL: PUBLIC_URL/api/auth/oauth/oidc/callback.',
    default: undefined,
    parse: url(['http:', 'https:']),
  },
  oidcClientId: {
    env: 'OIDC_CLIENT_ID',
    description: 'Client id at the OIDC_ISSUER provider.',
    default: undefined,
    parse: str,
  },
  oidcClientSecret: {
    env: 'OIDC_CLIENT_SECRET',
    description: 'Client secret at the OIDC_ISSUER provider.',
    default: undefined,
    parse: str,
  },
  oidcName: {
    env: 'OIDC_NAME',
    description: 'Name of the OIDC_ISSUER provider on the sign-in button ("Continue with ...").',
    default: 'single sign-on',
    parse: str,
  },
  s3Endpoint: {
    env: 'S3_ENDPOINT',
    description:
      'S3-compatible endpoint for uploads (avatars, resumes). Set with S3_BUCKET, S3_REGION, S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY. Unset: files under DATA_DIR/blobs.',
    default: undefined,
    parse: url(['http:', 'https:']),
  },
  s3Bucket: {
    env: 'S3_BUCKET',
    description: 'Bucket that holds uploads (must exist).',
    default: undefined,
    parse: str,
  },
  s3Region: {
    env: 'S3_REGION',
    description: 'Region of the S3 bucket (any value for most self-hosted servers).',
    default: undefined,
    parse: str,
  },
  s3AccessKeyId: {
    env: 'S3_ACCESS_KEY_ID',
    description: 'Access key id for S3.',
    default: undefined,
    parse: str,
  },
  s3SecretAccessKey: {
    env: 'S3_SECRET_ACCESS_KEY',
    description: 'Secret access key for S3.',
    default: undefined,
    parse: str,
  },
  s3ForcePathStyle: {
    env: 'S3_FORCE_PATH_STYLE',
    description:
      'Address the bucket in the path (MinIO, Ceph and most self-hosted servers) rather than in the host name.',
    default: 'true',
    parse: bool,
  },
  authSecret: {
    env: 'AUTH_SECRET',
    description:
      'Key that signs access tokens (HS256), at least 32 characters; every node of one deployment needs the same. Unset: generated once and kept in DATA_DIR/auth-secret.',
    default: undefined,
    parse: (raw: string) => {
      if (raw.length < 32) throw new Error(`expected at least 32 characters, got ${raw.length}`);
      return raw;
    },
  },
  accessTokenTtlSeconds: {
    env: 'ACCESS_TOKEN_TTL_SECONDS',
    description: 'Lifetime of an access token; the web app refreshes it before it ends.',
    default: '900',
    parse: int(30, 86_400),
  },
  sessionTtlDays: {
    env: 'SESSION_TTL_DAYS',
    description:
      'Absolute lifetime of a sign-in (refresh-token family): after it, sign in again however active.',
    default: '30',
    parse: int(1, 365),
  },
  trustProxy: {
    env: 'TRUST_PROXY',
    description:
      'Behind a reverse proxy: trust its X-Forwarded-For / X-Forwarded-Proto, so per-IP limits see the real client and cookies know HTTPS.',
    default: 'false',
    parse: bool,
  },
  signinAccountLimit: {
    env: 'SIGNIN_ACCOUNT_LIMIT',
    description:
      'Failed sign-ins (wrong password or code) allowed per account in SIGNIN_WINDOW_SECONDS; then 429 until the window ends.',
    default: '10',
    parse: int(1, 100_000),
  },
  signinIpLimit: {
    env: 'SIGNIN_IP_LIMIT',
    description: 'Failed sign-ins allowed per client IP in SIGNIN_WINDOW_SECONDS; then 429.',
    default: '50',
    parse: int(1, 1_000_000),
  },
  totpAttemptLimit: {
    env: 'TOTP_ATTEMPT_LIMIT',
    description:
      'Wrong two-factor codes allowed per account in SIGNIN_WINDOW_SECONDS (sign-in, confirm, disable); then 429.',
    default: '5',
    parse: int(1, 100_000),
  },
  signinWindowSeconds: {
    env: 'SIGNIN_WINDOW_SECONDS',
    description:
      'Window of the sign-in and two-factor failure limits; a limit always ends with it.',
    default: '900',
    parse: int(1, 86_400),
  },
  signupIpLimit: {
    env: 'SIGNUP_IP_LIMIT',
    description: 'Accounts one client IP may create per hour.',
    default: '20',
    parse: int(1, 1_000_000),
  },
  allowedOrigins: {
    env: 'ALLOWED_ORIGINS',
    description:
      'Comma-separated origins (https://host[:port]) allowed to call the API from a browser and open sockets. Unset: the PUBLIC_URL origin, or else the origin the request was sent to.',
    default: undefined,
    parse: (raw: string) =>
      raw
        .split(',')
        .map((o) => o.trim())
        .filter((o) => o !== '')
        .map((o) => {
          let u: URL;
          try {
            u = new URL(o);
          } catch {
            throw new Error(`expected origins like https://example.com, got "${o}"`);
          }
          if (!['http:', 'https:'].includes(u.protocol) || u.origin !== o.replace(/\/$/, '')) {
            throw new Error(`expected an origin (scheme://host[:port], no path), got "${o}"`);
          }
          return u.origin;
        }),
  },
} satisfies Record<string, Option<unknown>>;

type Options = typeof OPTIONS;
export type Config = Readonly<{
  [K in keyof Options]: Options[K]['default'] extends string
    ? ReturnType<Options[K]['parse']>
    : ReturnType<Options[K]['parse']> | undefined;
}>;

/**
 * Reads every option from `env` (process.env by default), applies defaults,
 * and returns a frozen config. Throws ConfigError naming each bad variable.
 */
export function loadConfig(
  env: Record<string, string | undefined> = process.env,
  overrides: Partial<Config> = {},
): Config {
  const out: Record<string, unknown> = {};
  const problems: string[] = [];
  for (const [key, opt] of Object.entries(OPTIONS) as [string, Option<unknown>][]) {
    const raw = env[opt.env] === '' ? undefined : (env[opt.env] ?? opt.default);
    if (raw === undefined) {
      out[key] = undefined;
      continue;
    }
    try {
      out[key] = opt.parse(raw);
    } catch (err) {
      problems.push(`${opt.env}: ${(err as Error).message}`);
    }
  }
  if (problems.length > 0)
    throw new ConfigError(`Invalid configuration:\n  ${problems.join('\n  ')}`);
  return Object.freeze({ ...out, ...overrides }) as Config;
}
