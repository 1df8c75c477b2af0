import { afterEach, describe, expect, it } from 'vitest';
import pg from 'pg';
import { TandemApi, type RoomConnection } from '@tandem/client';
import { tempDir, waitFor } from '../harness.js';
import { TestClients } from './clients.js';
import { storedText } from './stored-text.js';
import { startCluster, type ClusterNode, type TestCluster } from './harness.js';
import { startPostgres } from './services.js';

const cleanup: (() => Promise<void>)[] = [];
const clients = new TestClients();
const connect = clients.connect;

afterEach(async () => {
  clients.destroyAll();
  for (const f of cleanup.splice(0).reverse()) await f().catch(() => undefined);
});

const CLIENTS = 8;
/** How long the longer outages keep PostgreSQL down. */
const OUTAGE_MS = 4_000;
type Round = { mode: 'fast' | 'immediate'; outageMs: number };
const ROUNDS: Round[] = [
  { mode: 'fast', outageMs: 0 },
  { mode: 'immediate', outageMs: 0 },
  { mode: 'immediate', outageMs: OUTAGE_MS },
  { mode: 'fast', outageMs: 0 },
  { mode: 'immediate', outageMs: 0 },
  { mode: 'fast', outageMs: OUTAGE_MS },
];

async function readyz(
  node: ClusterNode,
): Promise<{ status: number; body: Record<string, unknown> }> {
  const exited = () =>
    new Error(`${node.name} exited; it printed:\n${node.output.join('').slice(-6_000)}`);
  if (!node.process) throw exited();
  const res = await fetch(`${node.url}/readyz`).catch(async (err: unknown) => {
    // A refused or cut request: say why if the node died.
    await waitFor(() => node.process === null, `${node.name} to exit`, 2_000).catch(() => {
      throw err;
    });
    throw exited();
  });
  return { status: res.status, body: (await res.json()) as Record<string, string> };
}

async function everyNode(
  cluster: TestCluster,
  holds: (r: { status: number; body: Record<string, unknown> }) => boolean,
  what: string,
): Promise<void> {
  await waitFor(
    async () => (await Promise.all(cluster.nodes.map(readyz))).every(holds),
    what,
    30_000,
  );
}

/** Types `count` marks, a few milliseconds apart, at the end of the client's text. */
async function type(c: RoomConnection, marks: string[]): Promise<void> {
  for (const mark of marks) {
    c.text.insert(c.text.length, mark);
    await new Promise((r) => setTimeout(r, 5));
  }
}

const marksOf = (text: string) => text.match(/\[[^\]]+\]/g) ?? [];

describe('PostgreSQL restarts under a cluster', () => {
  it('fast and immediate restarts and longer outages while 8 clients edit through nginx: /readyz says the store is unavailable, nothing typed meanwhile is acknowledged before it is committed, everything recovers by itself, and no acknowledged edit is lost', async () => {
    const tmp = await tempDir('tandem-pg-restart-');
    cleanup.push(tmp.remove);
    const postgres = await startPostgres(tmp.dir);
    cleanup.push(() => postgres.stop('immediate'));
    const admin = new pg.Client({ connectionString: postgres.url });
    await admin.connect();
    await admin.query('create database tandem');
    await admin.end();
    const databaseUrl = postgres.url.replace(/\/postgres$/, '/tandem');

    const cluster = await startCluster({ databaseUrl });
    cleanup.push(cluster.stop);
    const room = await new TandemApi(cluster.url).createRoom({ title: 'Outage', language: 'go' });
    const clients = Array.from({ length: CLIENTS }, (_, i) =>
      connect(cluster.url, room.id, `P${i}`, `127.0.0.${i + 1}`),
    );
    await Promise.all(clients.map((c) => c.whenSynced()));

    // Each client's "everything saved" moments: none may fall inside an outage.
    let down = false;
    const ackedWhileDown: string[] = [];
    clients.forEach((c, i) =>
      c.on('pending', (n) => {
        if (n === 0 && down) ackedWhileDown.push(`P${i}`);
      }),
    );

    const figures: { mode: string; downMs: number; recoveryMs: number; joinedMs: number }[] = [];
    for (const [round, { mode, outageMs }] of ROUNDS.entries()) {
      // A room no node has read yet, so no node's room cache can answer for it
      // while the database is away.
      const unread = await new TandemApi(cluster.url).createRoom({
        title: `Unread ${round}`,
        language: 'go',
      });
      // Edits in flight while the server goes away: some commits are cut off.
      const burst = clients.map((c, i) =>
        type(
          c,
          Array.from({ length: 5 }, (_, k) => `[${round}.${i}.b${k}]`),
        ),
      );
      await postgres.stop(mode);
      const stoppedAt = Date.now();
      await Promise.all(burst);
      await everyNode(
        cluster,
        (r) => r.status === 503 && r.body['store'] === 'unavailable',
        `round ${round}: every node's /readyz to report the store unavailable`,
      );

      // Typed during the outage: it reaches everyone (relay needs no database)
      // but nobody is told it is saved; every client hears that saving waits.
      const during = clients.map((_, i) => `[${round}.${i}.d]`);
      down = true;
      clients.forEach((c, i) => c.text.insert(c.text.length, during[i]!));
      await waitFor(
        () => clients.every((c) => during.every((m) => c.text.toString().includes(m))),
        `round ${round}: edits typed during the outage to reach every client`,
        30_000,
      );
      await waitFor(
        () => clients.every((c) => c.savingDelayed),
        `round ${round}: every client to be told that saving is delayed`,
        30_000,
      );
      const outage = await Promise.all(cluster.nodes.map(readyz));
      for (const r of outage) {
        expect(r).toMatchObject({
          status: 503,
          body: { status: 'not ready', store: 'unavailable' },
        });
        expect(r.body['saving']).toBe(Number(r.body['unsavedUpdates']) > 0 ? 'delayed' : 'ok');
      }
      const unsaved = outage.reduce((n, r) => n + Number(r.body['unsavedUpdates']), 0);
      expect(unsaved).toBeGreaterThanOrEqual(CLIENTS);
      // A request that needs the database is told it is away: 503, not 500. (A room a
      // node has read within ROOM_CACHE_TTL_MS may still be answered from its cache.)
      const lookup = await fetch(`${cluster.url}/api/rooms/${unread.id}`);
      expect(lookup.status).toBe(503);
      expect(await lookup.json()).toMatchObject({ code: 'STORE_UNAVAILABLE' });
      // Someone joining meanwhile: the node cannot load the room yet, and the
      // client keeps trying on its own.
      const late = connect(cluster.url, room.id, `late${round}`, `127.0.1.${round + 1}`);
      if (outageMs > 0) {
        await new Promise((r) => setTimeout(r, Math.max(0, stoppedAt + outageMs - Date.now())));
      }
      for (const [i, c] of clients.entries()) {
        expect(c.pendingCount, `P${i} has unsaved edits while PostgreSQL is down`).toBeGreaterThan(
          0,
        );
      }
      expect(ackedWhileDown).toEqual([]);
      down = false;

      // Timed from the start command: PostgreSQL's own start-up (crash
      // recovery after an immediate stop) counts in the recovery.
      const backAt = Date.now();
      const downMs = backAt - stoppedAt;
      await postgres.start();
      await Promise.all(clients.map((c) => c.whenSaved()));
      const recoveryMs = Date.now() - backAt;
      await waitFor(
        () => clients.every((c) => !c.savingDelayed),
        `round ${round}: every client to be told that saving works again`,
        30_000,
      );
      await everyNode(
        cluster,
        (r) =>
          r.status === 200 &&
          r.body['store'] === 'ok' &&
          r.body['saving'] === 'ok' &&
          r.body['unsavedUpdates'] === 0,
        `round ${round}: every node's /readyz to report the store back`,
      );
      // Its node may have loaded the room before other nodes' delayed batches
      // committed; the repair brings the rest.
      await late.whenSynced();
      await waitFor(
        () => during.every((m) => late.text.toString().includes(m)),
        `round ${round}: the joiner to get what was typed during the outage`,
        30_000,
      );
      const joinedMs = Date.now() - backAt;
      late.destroy();
      figures.push({
        mode: outageMs > 0 ? `${mode} + outage` : mode,
        downMs,
        recoveryMs,
        joinedMs,
      });
    }

    await waitFor(
      () => new Set(clients.map((c) => c.text.toString())).size === 1,
      'every client to converge',
      30_000,
    );
    const text = clients[0]!.text.toString();
    const committed = await storedText(databaseUrl, room.id, { snapshot: false });
    expect(committed).toBe(text);
    const acked = marksOf(text);
    expect(acked.length).toBe(ROUNDS.length * CLIENTS * 6);
    expect(new Set(acked).size).toBe(acked.length);
    // Every node's replica (what it syncs joiners from) holds the same document.
    for (const node of cluster.nodes) {
      const probe = connect(node.url, room.id, `probe-${node.name}`);
      await probe.whenSynced();
      expect(probe.text.toString(), node.name).toBe(committed);
    }
    for (const node of cluster.nodes) {
      expect(node.process, `${node.name} is still the process it started as`).not.toBeNull();
    }
    process.stderr.write(
      `postgres restart test: ${ROUNDS.length} rounds, ${acked.length} acknowledged edits, ` +
        figures
          .map(
            (f) =>
              `${f.mode}: down ${f.downMs} ms, all saved ${f.recoveryMs} ms and a joiner in ${f.joinedMs} ms after the start command`,
          )
          .join('; ') +
        '\n',
    );
  }, 600_000);
});
