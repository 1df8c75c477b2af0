import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { RoomConnection, TandemApi } from '@tandem/client';
import { DOC_TEXT_KEY } from '@tandem/protocol';
import { startServer, storedText, tempDir, waitFor, type RunningServer } from './harness.js';
import { prng } from './prng.js';

interface Network {
  faulty: boolean;
}

/**
 * Puts a faulty network between the server and one client's document: incoming
 * updates are dropped, duplicated or held back and delivered out of order, and
 * outgoing updates are sometimes sent twice. TCP itself never drops inside a
 * connection; this stands for what reconnects and cross-node relays can do.
 */
function injectFaults(conn: RoomConnection, rng: () => number, net: Network): () => void {
  const socket = conn.socket;
  const [deliver] = socket.listeners('doc:update') as ((u: Uint8Array) => void)[];
  if (!deliver) throw new Error('the SDK registers its doc:update listener at construction');
  socket.off('doc:update', deliver);
  const held: Uint8Array[] = [];
  const release = () => {
    for (let i = held.length - 1; i > 0; i--) {
      const j = Math.floor(rng() * (i + 1));
      [held[i], held[j]] = [held[j]!, held[i]!];
    }
    for (const u of held.splice(0)) deliver(u);
  };
  socket.on('doc:update', (update: Uint8Array) => {
    if (!net.faulty) {
      release();
      return deliver(update);
    }
    const r = rng();
    if (r < 0.1) return; // dropped: only a resync or reconnect can repair it
    if (r < 0.2) {
      deliver(update);
      return deliver(update);
    }
    if (r < 0.4) return void held.push(update);
    deliver(update);
    if (rng() < 0.3) release();
  });
  const emit = socket.emit.bind(socket) as (...args: unknown[]) => unknown;
  (socket as unknown as { emit: (...args: unknown[]) => unknown }).emit = (...args: unknown[]) => {
    const result = emit(...args);
    if (net.faulty && args[0] === 'doc:update' && rng() < 0.1) emit(args[0], args[1], () => {});
    return result;
  };
  return release;
}

async function runSeed(seed: number, steps: number): Promise<void> {
  const rng = prng(seed);
  const tmp = await tempDir();
  let server: RunningServer = await startServer({
    dataDir: tmp.dir,
    env: { SNAPSHOT_EVERY: '40' },
  });
  const net: Network = { faulty: true };
  const reference = new Y.Doc();
  const clients: RoomConnection[] = [];
  const releases: (() => void)[] = [];
  try {
    const room = await new TandemApi(server.url).createRoom({ title: `fuzz ${seed}` });
    for (let i = 0; i < 4; i++) {
      const conn = new RoomConnection({
        url: server.url,
        roomId: room.id,
        name: `c${i}`,
        resyncIntervalMs: 150,
        ackTimeoutMs: 2_000,
      });
      // Every edit anyone makes also goes into the reference: nothing may be missing at the end.
      conn.doc.on('updateV2', (u: Uint8Array, origin: unknown) => {
        if (origin !== conn) Y.applyUpdateV2(reference, u);
      });
      releases.push(injectFaults(conn, rng, net));
      clients.push(conn);
    }
    await Promise.all(clients.map((c) => c.whenSynced()));

    for (let step = 0; step < steps; step++) {
      const c = clients[Math.floor(rng() * clients.length)]!;
      const r = rng();
      if (r < 0.75) {
        const len = c.text.length;
        if (len > 0 && rng() < 0.3) {
          const at = Math.floor(rng() * len);
          c.text.delete(at, Math.min(len - at, 1 + Math.floor(rng() * 4)));
        } else {
          c.text.insert(Math.floor(rng() * (len + 1)), `${c.doc.clientID % 100}:${step} `);
        }
      } else if (r < 0.9) {
        if (c.socket.connected) c.disconnect();
        else c.reconnect();
      } else if (r < 0.93) {
        const port = server.port;
        await server.stop();
        server = await startServer({ dataDir: tmp.dir, port, env: { SNAPSHOT_EVERY: '40' } });
      }
      if (rng() < 0.3) await new Promise((resolve) => setImmediate(resolve));
    }

    net.faulty = false;
    for (const release of releases) release();
    for (const c of clients) c.reconnect();
    const expected = () => reference.getText(DOC_TEXT_KEY).toString();
    await waitFor(
      () =>
        clients.every(
          (c) =>
            c.status === 'connected' && c.pendingCount === 0 && c.text.toString() === expected(),
        ),
      'every client converges on every edit ever made',
      20_000,
    );
    expect(await storedText(server.store, room.id)).toBe(expected());
  } catch (err) {
    throw new Error(
      `fuzz seed ${seed} failed (rerun with FUZZ_SEED=${seed}): ${(err as Error).message}`,
      { cause: err },
    );
  } finally {
    for (const c of clients) c.destroy();
    await server.stop();
    await tmp.remove();
  }
}

/** Seeds that once failed stay here, named after what broke. */
const REGRESSION_SEEDS: Record<string, number> = {};

describe('seeded fuzz through the real server', () => {
  const random = Number(process.env.FUZZ_SEED ?? Math.floor(Math.random() * 2 ** 31));
  it.each([1, 2, 3, ...Object.values(REGRESSION_SEEDS)])(
    'seed %i converges with nothing lost',
    async (seed) => {
      await runSeed(seed, 120);
    },
    60_000,
  );

  it(`random seed ${random} converges with nothing lost`, async () => {
    await runSeed(random, 120);
  }, 60_000);
});
