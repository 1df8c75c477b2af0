import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import { loadConfig, type Config } from '../src/config.js';
import { buildApp, type TandemApp } from '../src/app.js';
import { createStore } from '../src/store/index.js';
import type { Store } from '../src/store/store.js';
import { loadReplica } from '../src/collab/load-replica.js';
import { DOC_TEXT_KEY } from '@tandem/protocol';

export interface RunningServer {
  url: string;
  port: number;
  dataDir: string;
  app: TandemApp;
  store: Store;
  config: Config;
  /** Closes the app and the store; the data folder stays (for restarts). */
  stop(): Promise<void>;
}

export async function tempDir(
  prefix = 'tandem-test-',
): Promise<{ dir: string; remove: () => Promise<void> }> {
  const dir = await mkdtemp(path.join(os.tmpdir(), prefix));
  return { dir, remove: () => rm(dir, { recursive: true, force: true }) };
}

/**
 * Starts a real server (PGlite under `dataDir`) on 127.0.0.1. Port 0 picks a
 * free port; pass the previous port to restart "the same" server.
 */
export async function startServer(options: {
  dataDir: string;
  port?: number;
  env?: Record<string, string>;
}): Promise<RunningServer> {
  const config = loadConfig({
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    DATA_DIR: options.dataDir,
    PORT: String(options.port ?? 0),
    HOST: '127.0.0.1',
    WEB_DIR: path.join(options.dataDir, 'no-web'),
    ...options.env,
  });
  const logger = pino({ level: config.logLevel });
  const store = await createStore(config, logger);
  const app = await buildApp({ config, store, logger });
  await listenWithRetry(app, config.port);
  const address = app.http.server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    dataDir: options.dataDir,
    app,
    store,
    config,
    async stop() {
      await app.close();
      await store.close();
    },
  };
}

/** A just-released port can be briefly busy on restart; retry on EADDRINUSE only. */
async function listenWithRetry(app: TandemApp, port: number): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    try {
      await app.http.listen({ port, host: '127.0.0.1' });
      return;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EADDRINUSE' || attempt > 50) throw err;
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}

/** Polls a condition until it holds (the one helper every suite shares). */
export { waitFor } from '@tandem/jobs/contract';

/** The room's code as the store holds it: what survives any crash. */
export async function storedText(store: Store, roomId: string): Promise<string> {
  const { doc } = await loadReplica(store, roomId);
  return doc.getText(DOC_TEXT_KEY).toString();
}
