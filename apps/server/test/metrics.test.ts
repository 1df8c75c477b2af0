import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RoomConnection, TandemApi } from '@tandem/client';
import { startServer, tempDir, waitFor, type RunningServer } from './harness.js';

let server: RunningServer;
let removeDir: () => Promise<void>;

beforeAll(async () => {
  const tmp = await tempDir();
  removeDir = tmp.remove;
  server = await startServer({ dataDir: tmp.dir });
});

afterAll(async () => {
  await server.stop();
  await removeDir();
});

/** One sample's value from Prometheus's text format, or undefined when absent. */
function sample(
  text: string,
  name: string,
  labels: Record<string, string> = {},
): number | undefined {
  for (const line of text.split('\n')) {
    const m = /^([a-z_:]+)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!m || m[1] !== name) continue;
    const have = Object.fromEntries(
      [...(m[2] ?? '').matchAll(/(\w+)="([^"]*)"/g)].map((l) => [l[1], l[2]]),
    );
    if (Object.entries(labels).every(([k, v]) => have[k] === v)) return Number(m[3]);
  }
  return undefined;
}

async function scrape(): Promise<string> {
  const res = await fetch(`${server.url}/metrics`);
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toContain('text/plain');
  return res.text();
}

describe('/metrics', () => {
  it('reports HTTP latency by route, open sockets, active rooms, committed updates, persistence lag and errors by code', async () => {
    const api = new TandemApi(server.url);
    const room = await api.createRoom({ title: 'Metered', language: 'python' });
    const missing = room.id.slice(0, -1) + (room.id.endsWith('a') ? 'b' : 'a');
    await expect(api.getRoom(missing)).rejects.toMatchObject({ code: 'ROOM_NOT_FOUND' });

    const conn = new RoomConnection({ url: server.url, roomId: room.id, name: 'Ada' });
    try {
      await conn.whenSynced();
      conn.text.insert(0, 'print(1)');
      await conn.whenSaved();

      await waitFor(async () => {
        const text = await scrape();
        return (sample(text, 'tandem_doc_updates_total') ?? 0) >= 1;
      }, 'the committed update to be counted');
      const text = await scrape();
      expect(
        sample(text, 'tandem_http_request_duration_seconds_count', {
          method: 'POST',
          route: '/api/rooms',
          status: '201',
        }),
      ).toBe(1);
      expect(
        sample(text, 'tandem_errors_total', { code: 'ROOM_NOT_FOUND', transport: 'http' }),
      ).toBe(1);
      expect(sample(text, 'tandem_open_sockets')).toBe(1);
      expect(sample(text, 'tandem_active_rooms')).toBe(1);
      expect(sample(text, 'tandem_persist_lag_seconds_count')).toBeGreaterThanOrEqual(1);
      expect(sample(text, 'tandem_run_queue_depth')).toBe(0);
      expect(sample(text, 'tandem_process_resident_memory_bytes')).toBeGreaterThan(0);
    } finally {
      conn.destroy();
    }
    await waitFor(
      async () => sample(await scrape(), 'tandem_open_sockets') === 0,
      'the closed socket to leave the gauge',
    );
  });
});
