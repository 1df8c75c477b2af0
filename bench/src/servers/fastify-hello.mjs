// The HTTP floor: a bare Fastify 5 server answering GET / with a small JSON
// object, no plugins, no logger. Run as a child process by the bench;
// reports its port over IPC.
import Fastify from 'fastify';

const app = Fastify({ logger: false });
app.get('/', async () => ({ hello: 'world' }));

await app.listen({ port: 0, host: '127.0.0.1' });
process.send?.({ port: app.server.address().port });
process.on('SIGTERM', () => process.exit(0));
process.on('disconnect', () => process.exit(0));
