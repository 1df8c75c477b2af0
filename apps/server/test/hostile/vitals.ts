/**
 * What a hostile-input test checks of the node itself: it is alive and
 * answers, and how much memory it holds (from /proc and from its /metrics).
 */
import { waitFor } from '../harness.js';
import type { NodeProcess } from './node-process.js';

export interface Memory {
  /** Resident set size (/proc/<pid>/status VmRSS). */
  rss: number;
  /** V8 heap in use, as the node reports it on /metrics. */
  heapUsed: number;
}

const MiB = 1024 * 1024;
export const mib = (bytes: number) => `${(bytes / MiB).toFixed(1)} MiB`;

function gauge(metrics: string, name: string): number {
  const line = metrics.split('\n').find((l) => l.startsWith(`${name} `));
  if (line === undefined) throw new Error(`/metrics has no ${name}`);
  return Number(line.split(' ')[1]);
}

export async function memory(node: NodeProcess): Promise<Memory> {
  const metrics = await (await fetch(`${node.url}/metrics`)).text();
  return { rss: await node.rss(), heapUsed: gauge(metrics, 'tandem_nodejs_heap_size_used_bytes') };
}

/**
 * Memory once the node has settled: sampled until two readings a second
 * apart differ by under 2 MiB of heap (garbage collected, buffers released),
 * or for at most `timeoutMs`; the last reading counts.
 */
export async function settledMemory(node: NodeProcess, timeoutMs = 10_000): Promise<Memory> {
  let last = await memory(node);
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 1_000));
    const next = await memory(node);
    const steady = Math.abs(next.heapUsed - last.heapUsed) < 2 * MiB;
    last = next;
    if (steady) break;
  }
  return last;
}

/** The process has not exited, and /healthz answers 200. */
export async function assertAlive(node: NodeProcess): Promise<void> {
  const exit = node.exited();
  if (exit) {
    throw new Error(
      `the server exited (code ${exit.code}, signal ${exit.signal}); its errors:\n${node.errors
        .map((e) => e.slice(0, 2_000))
        .join('\n')
        .slice(-8_000)}`,
    );
  }
  await waitFor(
    () =>
      fetch(`${node.url}/healthz`).then(
        (r) => r.status === 200,
        () => false,
      ),
    '/healthz to answer 200',
    10_000,
  );
}
