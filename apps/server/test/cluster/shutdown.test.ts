import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { TandemApi, type ConnectionStatus } from '@tandem/client';
import { waitFor } from '../harness.js';
import { TestClients } from './clients.js';
import { startCluster, type TestCluster } from './harness.js';
import { storedText } from './stored-text.js';

let cluster: TestCluster;
const clients = new TestClients();
const connect = clients.connect;
const DEADLINE_MS = 15_000;

beforeAll(async () => {
  cluster = await startCluster({ size: 2, env: { SHUTDOWN_TIMEOUT_MS: String(DEADLINE_MS) } });
}, 180_000);

afterEach(() => {
  clients.destroyAll();
});

afterAll(async () => {
  await cluster?.stop();
});

describe('a node stopped with SIGTERM (a rolling update)', () => {
  it('saves what it holds, moves its clients to the other node, exits 0 within the deadline, and never touches the other node’s clients', async () => {
    const [n1, n2] = cluster.nodes;
    const room = await new TandemApi(cluster.url).createRoom({ title: 'Rolling', language: 'go' });
    // Pinned to the node that stays, and one pinned to the node that stops.
    const stays = connect(n2!.url, room.id, 'Stays');
    const leaves = connect(n1!.url, room.id, 'Leaves');
    // Through nginx from eight addresses: some land on each node.
    const viaLb = Array.from({ length: 8 }, (_, i) =>
      connect(cluster.url, room.id, `P${i}`, `127.0.0.${i + 10}`),
    );
    const clients = [stays, leaves, ...viaLb];
    await Promise.all(clients.map((c) => c.whenSynced()));
    const staysStatuses: ConnectionStatus[] = [];
    stays.on('status', (s) => staysStatuses.push(s));
    const leavesStatuses: ConnectionStatus[] = [];
    leaves.on('status', (s) => leavesStatuses.push(s));

    let typing = true;
    const written: string[] = [];
    const writers = clients.map(async (c, i) => {
      for (let k = 0; typing; k++) {
        written.push(`[${i}.${k}]`);
        c.text.insert(c.text.length, `[${i}.${k}]`);
        await new Promise((r) => setTimeout(r, 20));
      }
    });
    await waitFor(() => stays.text.length > 200, 'edits to flow');

    const sentAt = Date.now();
    const exit = await cluster.kill(n1!, 'SIGTERM');
    const tookMs = Date.now() - sentAt;
    process.stderr.write(`shutdown test: node1 exited ${JSON.stringify(exit)} in ${tookMs} ms\n`);
    expect(exit).toEqual({ code: 0, signal: null });
    expect(tookMs).toBeLessThan(DEADLINE_MS);

    // Clients of the stopped node carry on through nginx; edits keep being saved.
    const lbAfter = viaLb.map((c) => c.text.length);
    await waitFor(
      () => viaLb.every((c, i) => c.status === 'connected' && c.text.length > lbAfter[i]! + 20),
      'clients behind nginx to be connected and editing again',
    );
    typing = false;
    await Promise.all(writers);
    await Promise.all([stays, ...viaLb].map((c) => c.whenSaved()));

    // The client pinned to the stopped node was told, and waits to reconnect (its edits kept).
    expect(leavesStatuses).toContain('reconnecting');
    // The other node's client never noticed.
    expect(staysStatuses).toEqual([]);

    await cluster.start(n1!);
    await leaves.whenSaved();
    await waitFor(
      () => new Set(clients.map((c) => c.text.toString())).size === 1,
      'every client to converge',
      30_000,
    );
    const stored = await storedText(cluster.databaseUrl, room.id);
    expect(stored).toBe(stays.text.toString());
    const missing = written.filter((mark) => !stored.includes(mark));
    expect(missing).toEqual([]);
  }, 240_000);
});
