/** Join time (warm and cold) and bytes on join for a room holding the trace's final document. */
import { existsSync, readdirSync } from 'node:fs';
import { config } from '../config.js';
import type { Entry } from '../report.js';
import { quantile } from '../stats.js';
import { best, metric, ratio, summarize } from '../summary.js';
import { YJS_PEERS, type SystemName } from '../systems.js';
import type { TraceData } from '../trace.js';
import { interleave, start, tempDir, withLoadGen } from './common.js';

async function waitForStateFile(dir: string): Promise<void> {
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline) {
    if (existsSync(dir) && readdirSync(dir).some((f) => f.endsWith('.bin'))) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('the peer did not persist the room within 15 s');
}

async function joinOnce(system: SystemName, round: number): Promise<Record<string, number>> {
  const data = tempDir('join');
  try {
    return await withLoadGen(async (gen) => {
      let server = await start(system, data.path);
      const roomId = await gen.call('loadRoom', { system, url: server.url, name: `join-${round}` });
      await gen.call('releaseRoom', {});
      if (system !== 'ours') await waitForStateFile(data.path);
      await server.stop();

      const cold: number[] = [];
      for (let i = 0; i < config.join.coldJoins; i++) {
        server = await start(system, data.path);
        try {
          cold.push(...(await gen.call('timeJoins', { system, url: server.url, roomId, n: 1 })));
        } finally {
          await server.stop();
        }
      }

      server = await start(system, data.path);
      try {
        await gen.call('holdRoom', { system, url: server.url, roomId });
        const warm = await gen.call('timeJoins', {
          system,
          url: server.url,
          roomId,
          n: config.join.warmJoins,
        });
        const bytes = await gen.call('joinBytes', { system, url: server.url, roomId });
        await gen.call('releaseRoom', {});
        return {
          warm_p50_ms: quantile(warm, 0.5),
          warm_p99_ms: quantile(warm, 0.99),
          cold_p50_ms: quantile(cold, 0.5),
          cold_p99_ms: quantile(cold, 0.99),
          bytes_on_join: bytes.totalBytes,
          doc_bytes: bytes.docBytes,
        };
      } finally {
        await server.stop();
      }
    });
  } finally {
    data.dispose();
  }
}

export async function join(systems: readonly SystemName[], trace: TraceData): Promise<Entry> {
  const docSystems = systems.filter((s) => s !== 'raw-ws');
  const results = await interleave('join', docSystems, joinOnce);
  const v1 = trace.finalV1.byteLength;
  const vsPeers = (key: string) =>
    ratio(
      config.rounds,
      (r) => metric(results, 'ours', r, key),
      (r) => best(YJS_PEERS.map((p) => metric(results, p, r, key))),
    );
  const warm = vsPeers('warm_p99_ms');
  const cold = vsPeers('cold_p99_ms');
  const bytes = ratio(
    config.rounds,
    (r) => metric(results, 'ours', r, 'bytes_on_join'),
    () => v1,
  );
  const ours = summarize(results.get('ours'));
  const measured = 'metrics' in ours && [warm, cold, bytes].every((s) => Number.isFinite(s.median));
  return {
    name: 'join',
    unit: 'ms until the joining client holds the whole text; bytes on the wire',
    ours,
    peers: Object.fromEntries(
      docSystems.filter((s) => s !== 'ours').map((s) => [s, summarize(results.get(s))]),
    ),
    ratio: {
      'warm p99 ours / best peer': warm,
      'cold p99 ours / best peer': cold,
      'bytes on join / V1 state': bytes,
    },
    goal: 'p99 ≤ 0.8× the best peer (warm and cold); bytes on join ≤ 0.55× the V1-encoded state',
    pass: measured ? warm.median <= 0.8 && cold.median <= 0.8 && bytes.max <= 0.55 : null,
    notes: [
      `Document: the automerge-paper trace's final state, ${trace.endContent.length} characters; Y.encodeStateAsUpdate = ${v1} bytes (V1), ${trace.finalV2.byteLength} bytes (V2).`,
      `Warm: ${config.join.warmJoins} joins while a holder client keeps the room loaded. Cold: ${config.join.coldJoins} joins, each right after a server restart (peers persist to a state file through their own persistence hooks).`,
      'bytes_on_join counts the bytes on the wire: what a protocol-level client joining with an empty state vector read from its TCP socket (HTTP upgrade response, WebSocket and protocol framing, after any per-message compression) until it held the document; each system runs with its own compression setting (Tandem: permessage-deflate for frames of 2 KiB and more; the peers: none, their default). doc_bytes is the uncompressed document update alone. The floor relay keeps no document and is not part of this benchmark.',
    ],
  };
}
