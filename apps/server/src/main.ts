import { ConfigError, loadConfig } from './config.js';
import { createLogger } from './logger.js';
import { buildApp } from './app.js';
import { createStore } from './store/index.js';

/** Composition root: read config, open the store, build the app, listen, shut down cleanly. */
async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(78);
    }
    throw err;
  }
  const logger = createLogger(config);
  const store = await createStore(config, logger);
  const app = await buildApp({ config, store, logger });
  const address = await app.http.listen({ port: config.port, host: config.host });
  logger.info(
    { address, dataDir: config.databaseUrl ? undefined : config.dataDir },
    `Tandem is running at ${address}`,
  );

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal, deadlineMs: config.shutdownTimeoutMs }, 'shutting down');
    // A shutdown that hangs (a store that does not answer) ends anyway: what
    // was not acknowledged is still held by the clients, who send it again.
    setTimeout(() => {
      logger.error({ deadlineMs: config.shutdownTimeoutMs }, 'shutdown deadline passed; exiting');
      process.exit(1);
    }, config.shutdownTimeoutMs).unref();
    try {
      await app.close();
      await store.close();
      process.exit(0);
    } catch (err) {
      logger.error({ err }, 'shutdown failed');
      process.exit(1);
    }
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
}

main().catch((err: unknown) => {
  process.stderr.write(
    `Tandem failed to start: ${err instanceof Error ? err.message : String(err)}\n`,
  );
  process.exit(1);
});
