/**
 * `npm run bench`: runs the benchmarks (issues 2, 3 and 5) against our server and the
 * pinned peers, in interleaved rounds, and writes bench/results/latest.json
 * and the generated part of docs/BENCHMARKS.md. Our server is reported as
 * unavailable (with the reason) when it cannot be started or reached.
 */
import { existsSync, readFileSync } from 'node:fs';
import { config } from './config.js';
import { loadTandemSdk } from './clients/tandem.js';
import { rewriteMarkdown, writeReport, type Entry } from './report.js';
import { connections } from './runs/connections.js';
import { crossNode } from './runs/cross-node.js';
import { http } from './runs/http.js';
import { fanout } from './runs/fanout.js';
import { join } from './runs/join.js';
import { replay } from './runs/replay.js';
import { runLatency } from './runs/run-latency.js';
import { saturation } from './runs/saturation.js';
import { start } from './runs/common.js';
import { OUR_SERVER_MAIN } from './servers/launch.js';
import { isSystem, SYSTEMS, type SystemName } from './systems.js';
import { loadTrace } from './trace.js';
import { tempDir } from './runs/common.js';

/** Why our server cannot be measured, or undefined when it can. */
async function oursUnavailable(): Promise<string | undefined> {
  if (!existsSync(OUR_SERVER_MAIN))
    return `${OUR_SERVER_MAIN} does not exist (server not built or not written yet)`;
  try {
    await loadTandemSdk();
  } catch (err) {
    return `@tandem/client cannot be loaded: ${(err as Error).message}`;
  }
  const data = tempDir('preflight');
  try {
    const server = await start('ours', data.path);
    await server.stop();
    return undefined;
  } catch (err) {
    return `server did not start: ${(err as Error).message}`;
  } finally {
    data.dispose();
  }
}

function unavailableEverywhere(entries: Entry[], reason: string): void {
  for (const e of entries)
    if ('metrics' in e.ours || e.ours.unavailable === 'not run') e.ours = { unavailable: reason };
}

/**
 * The entries of earlier runs that this run did not measure, so a partial run
 * (BENCH_ONLY) replaces its own entries and keeps everyone else's.
 */
function withEarlier(entries: Entry[]): Entry[] {
  const file = new URL(`../results/${config.quick ? 'quick' : 'latest'}.json`, import.meta.url);
  if (!existsSync(file)) return entries;
  const saved = JSON.parse(readFileSync(file, 'utf8')) as { entries?: Entry[] };
  const fresh = new Set(entries.map((e) => e.name));
  return [...(saved.entries ?? []).filter((e) => !fresh.has(e.name)), ...entries];
}

async function main(): Promise<void> {
  const started = performance.now();
  const unknown = config.systems.filter((s) => !isSystem(s));
  if (unknown.length)
    throw new Error(
      `BENCH_SYSTEMS: unknown system(s) ${unknown.join(', ')}; known: ${SYSTEMS.join(', ')}`,
    );
  let systems = SYSTEMS.filter((s) => config.systems.includes(s)) as SystemName[];
  const trace = loadTrace();
  console.log(
    `trace: ${trace.updatesV1.length} edits, final state ${trace.finalV1.byteLength} B (V1) / ${trace.finalV2.byteLength} B (V2)`,
  );

  const reason = systems.includes('ours') ? await oursUnavailable() : 'excluded by BENCH_SYSTEMS';
  if (reason) {
    console.log(`ours: unavailable — ${reason}`);
    systems = systems.filter((s) => s !== 'ours');
  }

  const entries: Entry[] = [];
  if (config.only.includes('fanout'))
    for (const n of config.fanout.connections) entries.push(await fanout(n, systems));
  if (config.only.includes('join')) entries.push(await join(systems, trace));
  if (config.only.includes('replay')) entries.push(await replay(systems));
  if (config.only.includes('run-latency')) entries.push(...(await runLatency(!reason)));
  if (config.only.includes('saturation')) entries.push(...(await saturation(!reason)));
  if (config.only.includes('cross-node')) entries.push(await crossNode(!reason));
  if (config.only.includes('connections')) entries.push(await connections(!reason));
  if (config.only.includes('http')) entries.push(await http(!reason));
  if (reason) unavailableEverywhere(entries, reason);

  writeReport(withEarlier(entries));
  for (const e of entries) {
    const verdict = e.pass === null ? 'NOT MEASURED' : e.pass ? 'PASS' : 'MISS';
    const ratios = Object.entries(e.ratio)
      .map(([k, s]) => `${k} ${s.median.toFixed(2)} [${s.min.toFixed(2)}, ${s.max.toFixed(2)}]`)
      .join('; ');
    console.log(`${verdict.padEnd(12)} ${e.name}: ${ratios}`);
  }
  console.log(`done in ${((performance.now() - started) / 1000).toFixed(0)} s`);
}

if (process.argv.includes('--report-only')) rewriteMarkdown();
else
  main().catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
