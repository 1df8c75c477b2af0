// @hocuspocus/server@3.4.4 with @hocuspocus/extension-redis@3.4.4: one
// instance of a Hocuspocus cluster, documents kept in step with the other
// instances through Redis (REDIS_URL, keys and channels under REDIS_PREFIX).
// No persistence, like the bench's single Hocuspocus. Run as a child process
// by the bench; reports its port over IPC.
import { Server } from '@hocuspocus/server';
import { Redis } from '@hocuspocus/extension-redis';

const redis = new URL(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');

const server = new Server({
  port: 0,
  address: '127.0.0.1',
  quiet: true,
  extensions: [
    new Redis({
      host: redis.hostname,
      port: Number(redis.port || 6379),
      prefix: process.env.REDIS_PREFIX ?? 'hocuspocus',
    }),
  ],
});

await server.listen();
process.send?.({ port: server.address.port });
process.on('SIGTERM', () => process.exit(0));
process.on('disconnect', () => process.exit(0));
