/**
 * Worker processes for the cluster tests: `node apps/worker/dist/main.js`
 * (built by `npx tsc -b`), their log lines counted as they come, and the
 * mail they send counted by Message-ID at a real SMTP server on loopback.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { messageIdFor } from '@tandem/jobs';

const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
const WORKER_MAIN = fileURLToPath(new URL('../../../worker/dist/main.js', import.meta.url));

export interface WorkerProcess {
  child: ChildProcess;
  /** Resolves with the exit code (null when killed by a signal). */
  exited: Promise<number | null>;
  /** Log lines seen so far, by message (`msg`). */
  seen(msg: string): number;
  startedAt: number;
}

/** Starts a worker; its pino lines (LOG_LEVEL info unless given) are parsed and counted by message. */
export function startWorker(env: Record<string, string>): WorkerProcess {
  const child = spawn(process.execPath, [WORKER_MAIN], {
    cwd: ROOT,
    env: { PATH: process.env.PATH, LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const counts = new Map<string, number>();
  let rest = '';
  child.stdout!.on('data', (chunk: Buffer) => {
    const lines = (rest + chunk.toString()).split('\n');
    rest = lines.pop() ?? '';
    for (const line of lines) {
      const msg = /"msg":"([^"]*)"/.exec(line)?.[1];
      if (msg) counts.set(msg, (counts.get(msg) ?? 0) + 1);
      if (process.env.TEST_WORKER_LOGS && /"level":[45]\d/.test(line)) {
        process.stderr.write(`[worker ${child.pid}] ${line}\n`);
      }
    }
  });
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => resolve(code)),
  );
  return { child, exited, seen: (msg) => counts.get(msg) ?? 0, startedAt: Date.now() };
}

/** The Message-ID header of each raw message. */
export function messageIds(raw: Buffer[]): string[] {
  return raw.map((m) => /^Message-ID:\s*(<[^>\r\n]+>)/im.exec(m.toString('latin1'))?.[1] ?? '');
}

/** How often each key's email reached the server: counted by its Message-ID. */
export function deliveriesByKey(raw: Buffer[], keys: string[], from: string): Map<string, number> {
  const byId = new Map<string, number>();
  for (const id of messageIds(raw)) byId.set(id, (byId.get(id) ?? 0) + 1);
  return new Map(keys.map((key) => [key, byId.get(messageIdFor(key, from)) ?? 0]));
}
