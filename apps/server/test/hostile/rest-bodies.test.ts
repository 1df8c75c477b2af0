/**
 * Malformed HTTP requests against a running node (issue 5; DESIGN.md: "Bad
 * input never crashes a process"). Thousands of seeded requests across every
 * route of the API's own OpenAPI description: broken JSON, wrong content
 * types, wrong types, oversized and deeply nested bodies, Unicode edge cases,
 * mutated path parameters and query strings, forged credentials, and
 * Content-Length that lies. Every answer is a 4xx with the error catalogue's
 * body (or a success when the input happened to be valid), never a 5xx or a
 * dropped connection; two bystanders keep editing throughout.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { ERRORS, type ErrorCode } from '@tandem/protocol';
import { TandemApi } from '@tandem/client';
import { guestApi, signUp } from '../interview-cast.js';
import { waitFor } from '../harness.js';
import { notCatalogueError } from './attacker.js';
import { startBystanders, type Bystanders } from './bystanders.js';
import { startNodeProcess, type NodeProcess } from './node-process.js';
import { rawRequest, type RawResult } from './raw-http.js';
import {
  encodeRequest,
  hostileRequest,
  type HostileRequest,
  type Known,
  type Route,
} from './request-arbitraries.js';
import { check, seeds, type NamedSeed } from './seeds.js';
import { expectUnharmed } from './unharmed.js';
import { settledMemory, type Memory } from './vitals.js';

const FIXED_SEED = 20_261_106;
/** Property runs per seed; each sends 8 to 16 requests, four at a time. */
const RUNS_PER_SEED = 100;
const MIN_REQUESTS = 8;
const CONCURRENCY = 4;
const ANSWER_MS = 15_000;
/** How long a request with a body shorter than its Content-Length is given before we hang up. */
const INCOMPLETE_MS = 1_000;
/**
 * Seeds that once failed, replayed first (see the regression tests named
 * after each). The REST findings so far came from generators since changed,
 * so their seeds no longer replay them; fuzz-regressions.test.ts keeps them.
 */
const FAILED_BEFORE: NamedSeed[] = [];

/** Routes that answer a redirect by design (provider sign-in). */
const REDIRECTING = /^\/api\/auth\/oauth\/\{provider\}\/(start|callback)$/;

let node: NodeProcess;
let known: Known;
let routes: Route[];
let bystanders: Bystanders;
let before: Memory;
const plan = seeds(FIXED_SEED);
const replaying = plan[0]?.label === 'replay';
let requestsSent = 0;
const statuses = new Map<string, number>();
const perRoute = new Map<string, number>();
const count = (map: Map<string, number>, key: string) => map.set(key, (map.get(key) ?? 0) + 1);

beforeAll(async () => {
  node = await startNodeProcess({
    ROOM_CREATE_LIMIT: '100000',
    LOBBY_REQUEST_LIMIT: '100000',
    RUN_RATE_PER_ROOM: '10',
  });
  const owner = await signUp({ url: node.url }, 'Rhea');
  const interview = await owner.api.createInterview({ title: 'rest', problemId: 'two-sum' });
  const keyOf = (link: string) => new URL(link).hash.slice(1);
  const inviteKeys = [keyOf(interview.links!.interviewer), keyOf(interview.links!.candidate)];
  const ticket = await guestApi({ url: node.url }, null).requestLobby(interview.room.id, {
    key: inviteKeys[1]!,
    name: 'Cleo',
  });
  const scratch = await new TandemApi(node.url).createRoom({ title: 'attacked' });
  const me = (await (
    await fetch(`${node.url}/api/me`, { headers: { authorization: `Bearer ${owner.token}` } })
  ).json()) as { account: { id: string } };
  known = {
    origin: node.url,
    roomIds: [scratch.id, interview.room.id],
    userIds: [me.account.id],
    runIds: [],
    accessToken: owner.token,
    guestToken: ticket.guestToken,
    inviteKeys,
  };
  const openapi = (await (await fetch(`${node.url}/api/docs/json`)).json()) as {
    paths: Record<string, Record<string, unknown>>;
  };
  routes = Object.entries(openapi.paths).flatMap(([path, methods]) =>
    Object.keys(methods).map((m) => ({ method: m.toUpperCase(), path })),
  );
  // Not in the OpenAPI description: probes, metrics, the app's pages, nothing at all.
  for (const path of ['/healthz', '/readyz', '/metrics', '/', '/api/nope', '/r/{id}']) {
    routes.push({ method: 'GET', path });
  }
  bystanders = await startBystanders(node.url, scratch.id);
  await bystanders.samples(100);
  before = await settledMemory(node);
  bystanders.phase('during');
}, 180_000);

afterAll(async () => {
  bystanders?.close();
  await node?.stop();
});

/** Why `result` breaks the promise for `req`, or null when it keeps it. */
function violation(req: HostileRequest, result: RawResult): string | null {
  if (result.error) return `the connection failed: ${result.error}`;
  if (result.timedOut) return req.lie === 'longer' ? null : `no answer within ${ANSWER_MS} ms`;
  if (result.responses.length === 0) return 'the connection closed without an answer';
  for (const res of result.responses) {
    count(statuses, String(res.status));
    if (res.status >= 500) return `answered ${res.status}: ${res.body.toString().slice(0, 300)}`;
    if (res.status >= 300 && res.status < 400 && !REDIRECTING.test(req.route.path)) {
      return `answered ${res.status} (${res.headers['location']})`;
    }
    if (res.status < 400 || req.method === 'HEAD') continue;
    let body: unknown;
    try {
      body = JSON.parse(res.body.toString());
    } catch {
      return `answered ${res.status} with a body that is not JSON: ${res.body.toString().slice(0, 200)}`;
    }
    const wrong = notCatalogueError(body);
    if (wrong) return `answered ${res.status}: ${wrong}`;
    const code = (body as { code: ErrorCode }).code;
    if (ERRORS[code].status !== res.status) {
      return `answered ${res.status} with ${code}, whose status is ${ERRORS[code].status}`;
    }
  }
  return null;
}

const property = fc.asyncProperty(
  fc.array(
    fc.constant(null).chain(() => hostileRequest(routes, known)),
    { minLength: MIN_REQUESTS, maxLength: 2 * MIN_REQUESTS },
  ),
  async (requests) => {
    const errorsBefore = node.errors.length;
    const queue = [...requests];
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        for (let req = queue.shift(); req; req = queue.shift()) {
          requestsSent++;
          count(perRoute, `${req.route.method} ${req.route.path}`);
          const wait = req.lie === 'longer' ? INCOMPLETE_MS : ANSWER_MS;
          const result = await rawRequest(
            node.port,
            encodeRequest(req),
            wait,
            req.method === 'HEAD',
          );
          const wrong = violation(req, result);
          if (wrong) {
            throw new Error(
              `${req.method} ${req.target.slice(0, 200)} (lie: ${req.lie}, headers ${JSON.stringify(req.headers)}, body ${JSON.stringify(req.body.subarray(0, 300).toString())}): ${wrong}`,
            );
          }
        }
      }),
    ).catch(async (err: Error) => {
      // The node logs a failure just after answering it: give the line a moment to arrive.
      await waitFor(() => node.errors.length > errorsBefore, 'the log line', 2_000).catch(() => {});
      throw new Error(
        `${err.message}\nthe server logged:\n${node.errors.slice(errorsBefore).join('\n').slice(0, 4_000)}`,
      );
    });
    if (node.exited() || node.errors.length > errorsBefore) {
      throw new Error(
        `the server exited or logged errors:\n${node.errors.slice(errorsBefore).join('\n').slice(0, 4_000)}`,
      );
    }
  },
);

describe('malformed requests against a running node', () => {
  for (const named of FAILED_BEFORE) {
    it(`regression seed "${named.name}" (${named.seed})`, async () => {
      await check(
        'rest bodies',
        { label: named.name, seed: named.seed, path: named.path },
        property,
        1,
      );
    }, 120_000);
  }

  for (const run of plan) {
    it(`${run.label} seed ${run.seed}: every request gets a 4xx from the catalogue or a success`, async () => {
      await check('rest bodies', run, property, RUNS_PER_SEED);
    }, 300_000);
  }

  it.skipIf(replaying)('covered every route', () => {
    expect(routes.filter((r) => !perRoute.has(`${r.method} ${r.path}`))).toEqual([]);
  });

  it('the node lives, logged no error, and its memory stayed bounded; the bystanders never noticed', async () => {
    await expectUnharmed(
      node,
      bystanders,
      before,
      `rest bodies: ${requestsSent} requests over ${routes.length} routes; statuses ${JSON.stringify(Object.fromEntries([...statuses].sort()))}`,
    );
    if (!replaying)
      expect(requestsSent).toBeGreaterThanOrEqual(plan.length * RUNS_PER_SEED * MIN_REQUESTS);
  }, 60_000);
});
