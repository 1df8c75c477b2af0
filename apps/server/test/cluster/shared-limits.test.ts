import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RoomConnection, TandemApi } from '@tandem/client';
import { waitFor } from '../harness.js';
import { HEADERS, post, signUp } from './accounts.js';
import { startCluster, type TestCluster } from './harness.js';

/**
 * What must hold across nodes, not per node: brute-force and route limits are
 * counted once for the whole cluster, and a sign-out ends that sign-in's open
 * sockets on every node.
 */
let cluster: TestCluster;
const ACCOUNT_LIMIT = 4;
const ROOM_LIMIT = 5;

beforeAll(async () => {
  cluster = await startCluster({
    size: 2,
    env: {
      SIGNIN_ACCOUNT_LIMIT: String(ACCOUNT_LIMIT),
      SIGNIN_IP_LIMIT: '1000',
      ROOM_CREATE_LIMIT: String(ROOM_LIMIT),
    },
  });
}, 180_000);

afterAll(async () => {
  await cluster?.stop();
});

/** A POST from a loopback address of the test's choosing (a client of its own to the limits). */
function postFrom(localAddress: string, url: string, body: unknown): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: 'POST', headers: HEADERS, localAddress }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end(JSON.stringify(body));
  });
}

describe('limits and sign-ins shared by every node through Redis', () => {
  it('wrong passwords sent to different nodes count once against the account', async () => {
    const [n1, n2] = cluster.nodes.map((n) => n.url);
    const { email } = await signUp(n1!);
    const statuses: number[] = [];
    for (let i = 0; i < ACCOUNT_LIMIT; i++) {
      const node = i % 2 === 0 ? n1! : n2!;
      statuses.push((await post(node, '/api/auth/signin', { email, password: 'wrong' })).status);
    }
    expect(statuses).toEqual(Array(ACCOUNT_LIMIT).fill(401));
    for (const node of [n1!, n2!]) {
      const refused = await post(node, '/api/auth/signin', { email, password: 'wrong' });
      expect(refused.status, node).toBe(429);
      expect(refused.body['code']).toBe('RATE_LIMITED');
      expect(Number(refused.res.headers.get('retry-after'))).toBeGreaterThan(0);
    }
  });

  it('room creation from one address is limited across nodes, not per node', async () => {
    const nodes = cluster.nodes.map((n) => n.url);
    const statuses: number[] = [];
    for (let i = 0; i < ROOM_LIMIT + 2; i++) {
      const url = `${nodes[i % 2]!}/api/rooms`;
      statuses.push(await postFrom('127.0.0.77', url, { title: `r${i}`, language: 'python' }));
    }
    expect(statuses.filter((s) => s === 201)).toHaveLength(ROOM_LIMIT);
    expect(statuses.slice(ROOM_LIMIT)).toEqual([429, 429]);
  });

  it('signing out everywhere on one node ends that account’s open room sockets on the other', async () => {
    const [n1, n2] = cluster.nodes.map((n) => n.url);
    const ada = await signUp(n1!);
    const room = await new TandemApi(cluster.url).createRoom({ title: 'Signed', language: 'go' });
    const conn = new RoomConnection({
      url: n2!,
      roomId: room.id,
      name: 'Ada',
      accessToken: () => ada.accessToken,
      socket: { transports: ['websocket'] },
    });
    try {
      await conn.whenSynced();
      const out = await post(n1!, '/api/auth/signout-all', {}, ada.cookie);
      expect(out.status).toBe(200);
      await waitFor(() => conn.status === 'closed', 'the other node to close the socket');
      expect(conn.lastError?.code).toBe('SESSION_EXPIRED');
      expect(conn.lastError?.message).toMatch(/signed out/);
    } finally {
      conn.destroy();
    }
  });
});
