import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { io } from 'socket.io-client';
import * as Y from 'yjs';
import { RoomConnection, TandemApi } from '@tandem/client';
import { PROTOCOL_VERSION, SOCKET_PATH } from '@tandem/protocol';
import { startServer, tempDir, waitFor, type RunningServer } from './harness.js';
import { prng } from './prng.js';

let server: RunningServer;
let removeDir: () => Promise<void>;

beforeAll(async () => {
  const tmp = await tempDir();
  removeDir = tmp.remove;
  server = await startServer({ dataDir: tmp.dir, env: { ABUSE_LIMIT: '100000' } });
});

afterAll(async () => {
  await server.stop();
  await removeDir();
});

/** Real updates of a small editing session, to mutate. */
function sampleUpdates(): Uint8Array[] {
  const doc = new Y.Doc();
  const out: Uint8Array[] = [];
  doc.on('updateV2', (u: Uint8Array) => out.push(u));
  const text = doc.getText('code');
  for (let i = 0; i < 40; i++) text.insert(Math.floor(text.length / 2), `x${i}`);
  text.delete(2, 9);
  out.push(Y.encodeStateAsUpdateV2(doc));
  return out;
}

describe('mutated frames against a running server', () => {
  const seed = Number(process.env.FUZZ_SEED ?? 20261122);
  it(`seed ${seed}: 600 mutated updates and state vectors get an answer each; honest editing goes on`, async () => {
    const rng = prng(seed);
    const room = await new TandemApi(server.url).createRoom({ title: 'frames' });
    const honest = new RoomConnection({
      url: server.url,
      roomId: room.id,
      name: 'Ada',
      resyncIntervalMs: 0,
    });
    const other = new RoomConnection({
      url: server.url,
      roomId: room.id,
      name: 'Bob',
      resyncIntervalMs: 0,
    });
    const attacker = io(server.url, {
      path: SOCKET_PATH,
      transports: ['websocket'],
      reconnection: false,
      auth: { v: PROTOCOL_VERSION, roomId: room.id, name: 'Mallory' },
    });
    const welcomed = new Promise<void>((resolve) =>
      attacker.on('session:welcome', () => resolve()),
    );
    try {
      await Promise.all([honest.whenSynced(), other.whenSynced()]);
      await welcomed;
      const samples = sampleUpdates();
      const codes = new Map<string, number>();
      for (let i = 0; i < 600; i++) {
        const base = samples[Math.floor(rng() * samples.length)]!;
        const bytes =
          rng() < 0.8 ? new Uint8Array(base) : new Uint8Array(1 + Math.floor(rng() * 64));
        for (let k = 0, n = 1 + Math.floor(rng() * 4); k < n; k++) {
          bytes[Math.floor(rng() * bytes.length)] = Math.floor(rng() * 256);
        }
        const event = rng() < 0.85 ? 'doc:update' : 'sync:step1';
        const reply = (await attacker.timeout(5_000).emitWithAck(event, bytes)) as {
          ok: boolean;
          code?: string;
        };
        const key = reply.ok ? 'ok' : reply.code!;
        codes.set(key, (codes.get(key) ?? 0) + 1);
        if (i % 100 === 0) {
          honest.text.insert(0, `${i};`);
          await honest.whenSaved();
        }
      }
      expect(
        [...codes.keys()].every((c) => ['ok', 'MALFORMED_UPDATE', 'MALFORMED_MESSAGE'].includes(c)),
      ).toBe(true);
      expect(codes.get('MALFORMED_UPDATE') ?? 0).toBeGreaterThan(100);
      await waitFor(
        () => other.text.toString() === honest.text.toString(),
        'honest clients stay in sync',
      );
      expect(honest.status).toBe('connected');
    } finally {
      attacker.disconnect();
      honest.destroy();
      other.destroy();
    }
  }, 60_000);
});
