import { expect } from 'vitest';
import { waitFor } from '../harness.js';
import { percentile, type Bystanders } from './bystanders.js';
import type { NodeProcess } from './node-process.js';
import { assertAlive, mib, settledMemory, type Memory } from './vitals.js';

/**
 * The end of every hostile suite: the node is alive and logged no error, the
 * bystanders converged and never noticed (their p99 round trip during the
 * attack stays under max(1 s, 10x before)), and memory grew by less than
 * 150 MiB after a settle. Prints the figures, led by the suite's own `summary`.
 */
export async function expectUnharmed(
  node: NodeProcess,
  bystanders: Bystanders,
  before: Memory,
  summary: string,
): Promise<void> {
  await assertAlive(node);
  await bystanders.samples(20);
  await bystanders.stop();
  await waitFor(() => bystanders.identical(), 'the bystanders to converge', 15_000);
  const after = await settledMemory(node);
  const lat = (phase: string) => bystanders.latencies.get(phase) ?? [];
  const p = (phase: string, q: number) => percentile(lat(phase), q).toFixed(1);
  process.stderr.write(
    [
      summary,
      `bystander round trip before: n=${lat('before').length} p50 ${p('before', 50)} ms p99 ${p('before', 99)} ms; ` +
        `during: n=${lat('during').length} p50 ${p('during', 50)} ms p99 ${p('during', 99)} ms`,
      `memory: rss ${mib(before.rss)} -> ${mib(after.rss)} (${mib(after.rss - before.rss)}), ` +
        `heap ${mib(before.heapUsed)} -> ${mib(after.heapUsed)} (${mib(after.heapUsed - before.heapUsed)})`,
      '',
    ].join('\n'),
  );
  expect(node.errors).toEqual([]);
  expect(bystanders.incidents).toEqual([]);
  const p99before = percentile(lat('before'), 99);
  expect(percentile(lat('during'), 99)).toBeLessThan(Math.max(1_000, 10 * p99before));
  expect(after.rss - before.rss).toBeLessThan(150 * 1024 * 1024);
}
