/** Our server as the execution benchmarks start it: bubblewrap, no rate limits in the way. */
import { loadavg } from 'node:os';
import { config } from '../config.js';
import type { RunningServer } from '../servers/launch.js';
import { start, tempDir } from './common.js';

/** Waits until the server's sandbox answered; throws with its reason unless it is bubblewrap. */
async function sandboxReady(url: string): Promise<void> {
  const deadline = Date.now() + config.startTimeoutMs;
  let last = 'no answer';
  while (Date.now() < deadline) {
    try {
      const info = (await (await fetch(`${url}/api/languages`)).json()) as {
        backend: string | null;
        unavailableReason: string | null;
      };
      if (info.backend === 'bubblewrap') return;
      if (info.backend || info.unavailableReason)
        throw new Error(
          `sandbox: ${info.backend ?? 'none'} (${info.unavailableReason ?? 'no reason given'})`,
        );
    } catch (err) {
      if ((err as Error).message.startsWith('sandbox:')) throw err;
      last = (err as Error).message;
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(
    `GET /api/languages did not report the sandbox within ${config.startTimeoutMs} ms: ${last}`,
  );
}

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
    try {
      await sandboxReady(server.url);
    } catch (err) {
      await server.stop();
      throw err;
    }
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
