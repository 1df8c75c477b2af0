/** Our server as the execution benchmarks start it: bubblewrap, no rate limits in the way. */
import { loadavg } from 'node:os';
import { config } from '../config.js';
import type { RunningServer } from '../servers/launch.js';
import { start, tempDir } from './common.js';

/**
 * The launcher passes its own environment through, so the run settings are set
 * for the duration of the start only and restored after (nothing else runs
 * meanwhile: the bench is sequential).
 */
export async function startExecServer(): Promise<{ server: RunningServer; stop(): Promise<void> }> {
  const settings: Record<string, string> = {
    SANDBOX_BACKEND: 'bubblewrap',
    RUN_RATE_PER_USER: '100000',
    RUN_RATE_PER_ROOM: '100000',
    RUN_QUEUE_LIMIT: '100000',
    ...(config.exec.serverConcurrency
      ? { RUN_CONCURRENCY: String(config.exec.serverConcurrency) }
      : {}),
  };
  const saved = Object.fromEntries(Object.keys(settings).map((k) => [k, process.env[k]]));
  Object.assign(process.env, settings);
  const data = tempDir('exec');
  try {
    const server = await start('ours', data.path);
    return {
      server,
      stop: async () => {
        await server.stop();
        data.dispose();
      },
    };
  } catch (err) {
    data.dispose();
    throw err;
  } finally {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
}

/** "1.23/1.10/0.95": the load average, for the notes of every execution entry. */
export function loadText(): string {
  return loadavg()
    .map((v) => v.toFixed(2))
    .join('/');
}
