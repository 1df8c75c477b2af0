/** The trace's edits as individual updates through each server's update path, against raw Yjs. */
import { config } from '../config.js';
import type { Entry } from '../report.js';
import { best, metric, ratio, summarize } from '../summary.js';
import { YJS_PEERS, type SystemName } from '../systems.js';
import { interleave, start, tempDir, withLoadGen } from './common.js';

export async function replay(systems: readonly SystemName[]): Promise<Entry> {
  const docSystems: (SystemName | 'raw-yjs')[] = [
    'raw-yjs',
    ...systems.filter((s) => s !== 'raw-ws'),
  ];
  let expectedText = '';
  let edits = 0;
  const results = await interleave(
    'replay',
    docSystems,
    async (system): Promise<Record<string, number>> => {
      if (system === 'raw-yjs') {
        const raw = await withLoadGen((gen) =>
          gen.call('rawApply', { edits: config.replay.edits }),
        );
        expectedText = raw.text;
        edits = raw.edits;
        return { ms: raw.v1Ms, v2_ms: raw.v2Ms };
      }
      const data = tempDir('replay');
      const server = await start(system, data.path);
      try {
        const before = server.sample();
        const res = await withLoadGen((gen) =>
          gen.call(
            'pushReplay',
            { system, url: server.url, edits: config.replay.edits, expectedText },
            config.replay.timeoutMs,
          ),
        );
        const after = server.sample();
        if (!res.verified)
          throw new Error(
            `the server's document differs from the trace after ${res.acked} acknowledgements`,
          );
        return {
          ms: res.ms,
          updates_per_s: (edits / res.ms) * 1000,
          server_cpu_s: before && after ? after.cpuSeconds - before.cpuSeconds : NaN,
          server_peak_rss_mib: after?.peakRssMiB ?? NaN,
        };
      } finally {
        await server.stop();
        data.dispose();
      }
    },
  );
  const ms = (s: string, r: number) => metric(results, s, r, 'ms');
  const vsRaw = ratio(
    config.rounds,
    (r) => ms('ours', r),
    (r) => metric(results, 'raw-yjs', r, 'v2_ms'),
  );
  const vsPeers = ratio(
    config.rounds,
    (r) => ms('ours', r),
    (r) => best(YJS_PEERS.map((p) => ms(p, r))),
  );
  const ours = summarize(results.get('ours'));
  const measured =
    'metrics' in ours && Number.isFinite(vsRaw.median) && Number.isFinite(vsPeers.median);
  return {
    name: 'replay',
    unit: 'ms to apply every update (servers: until applied and acknowledged)',
    ours,
    peers: Object.fromEntries(
      docSystems.filter((s) => s !== 'ours').map((s) => [s, summarize(results.get(s))]),
    ),
    ratio: { 'ours / raw Yjs applyUpdateV2': vsRaw, 'ours / faster Yjs peer': vsPeers },
    goal: '≤ 1.1× raw Yjs applyUpdate of the same updates, and at least as fast as the Yjs-server peers',
    pass: measured ? vsRaw.median <= 1.1 && vsPeers.median <= 1 : null,
    notes: [
      `${edits || 'all'} single-character edits of the automerge-paper trace, each its own update: V2 for ours (its wire encoding), V1 for the peers. raw-yjs applies them in one process into a fresh Y.Doc (ms = applyUpdate of V1, v2_ms = applyUpdateV2 of V2); ours is compared with v2_ms.`,
      'Servers are fed by a protocol-level client in its own process: every update is one message, sent as fast as the socket takes them; the clock stops when the server acknowledged the last one (Tandem: ack after durable commit; Hocuspocus: SyncStatus) or, for y-websocket which has no acknowledgements, answered a sync step 1 sent after the last update. The server’s document is then checked against the trace.',
    ],
  };
}
