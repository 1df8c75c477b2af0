/**
 * Malformed socket frames against a running node (issue 5; DESIGN.md: "Bad
 * input never crashes a process"). Thousands of seeded frames, every client
 * event of the protocol from every role (and from a candidate still in the
 * lobby, before it joined), each answered as the protocol promises; two
 * bystanders keep editing the attacked room throughout, and the node's
 * memory is compared before and after.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { CLIENT_EVENTS, DEFAULT_LANGUAGE } from '@tandem/protocol';
import { TandemApi } from '@tandem/client';
import { castInterview, signUp, type Cast } from '../interview-cast.js';
import { waitFor } from '../harness.js';
import { Attacker, notCatalogueError, type AuthFields } from './attacker.js';
import { startBystanders, type Bystanders } from './bystanders.js';
import { frame, type Frame } from './frame-arbitraries.js';
import { startNodeProcess, type NodeProcess } from './node-process.js';
import { check, seeds, type NamedSeed } from './seeds.js';
import { expectUnharmed } from './unharmed.js';
import { settledMemory, type Memory } from './vitals.js';

const FIXED_SEED = 20_261_105;
/** Property runs per seed; each run sends 16 to 32 frames spread over the roles. */
const RUNS_PER_SEED = 65;
const MIN_FRAMES = 16;
/** Seeds that once failed, replayed first (see the regression tests named after each). */
const FAILED_BEFORE: NamedSeed[] = [
  {
    name: 'a title with a lone surrogate broke the timeline jsonb insert',
    seed: 779_864_275,
    path: '56',
  },
];

const ROLES = ['scratch', 'host', 'interviewer', 'observer', 'candidate', 'lobby'] as const;
type Role = (typeof ROLES)[number];

let node: NodeProcess;
let cast: Cast;
let scratchRoom: string;
let bystanders: Bystanders;
let before: Memory;
const attackers = new Map<Role, Attacker>();
/** Frames sent, by `role event`, and answers by code. */
const sent = new Map<string, number>();
const answers = new Map<string, number>();
let framesSent = 0;

const plan = seeds(FIXED_SEED);
const replaying = plan[0]?.label === 'replay';

const count = (map: Map<string, number>, key: string) => map.set(key, (map.get(key) ?? 0) + 1);

beforeAll(async () => {
  node = await startNodeProcess({
    // Small frames keep "over the limit" cheap; the transport cuts off at 4x this.
    MAX_UPDATE_BYTES: String(64 * 1024),
    // Every invalid frame is answered, never cut off for abuse (bad-input.test.ts covers the limit).
    ABUSE_LIMIT: '100000',
    SIGNUP_IP_LIMIT: '100',
    RUN_RATE_PER_ROOM: '10',
  });
  const server = { url: node.url };
  const [host, interviewer, observer] = await Promise.all(
    ['Hana', 'Ivan', 'Olga'].map((n) => signUp(server, n)),
  );
  cast = await castInterview(server, {
    host: host!,
    interviewer: interviewer!,
    observer: observer!,
  });
  scratchRoom = (
    await new TandemApi(node.url).createRoom({ title: 'attacked', language: DEFAULT_LANGUAGE })
  ).id;
  const auth: Record<Role, AuthFields> = {
    scratch: { roomId: scratchRoom, name: 'Mallory' },
    host: { roomId: cast.roomId, name: 'h', ...cast.creds.host },
    interviewer: { roomId: cast.roomId, name: 'i', ...cast.creds.interviewer },
    observer: { roomId: cast.roomId, name: 'o', ...cast.creds.observer },
    candidate: { roomId: cast.roomId, name: 'c', ...cast.creds.candidate },
    lobby: { roomId: cast.roomId, name: 'w', ...cast.creds.waiting },
  };
  for (const role of ROLES) attackers.set(role, await Attacker.connect(node.url, role, auth[role]));
  bystanders = await startBystanders(node.url, scratchRoom);
  await bystanders.samples(100);
  before = await settledMemory(node);
  bystanders.phase('during');
}, 180_000);

afterAll(async () => {
  for (const a of attackers.values()) a.close();
  bystanders?.close();
  await node?.stop();
});

const step = fc
  .constantFrom(...ROLES)
  .chain((role) => frame(role).map((f) => ({ role, frame: f })));

/** Each role's frames in order, the roles at once. */
const property = fc.asyncProperty(
  fc.array(step, { minLength: MIN_FRAMES, maxLength: 2 * MIN_FRAMES }),
  async (steps: { role: Role; frame: Frame }[]) => {
    const errorsBefore = node.errors.length;
    await Promise.all(
      ROLES.map(async (role) => {
        const attacker = attackers.get(role)!;
        for (const s of steps.filter((x) => x.role === role)) {
          count(
            sent,
            `${role} ${typeof s.frame.event === 'string' && (CLIENT_EVENTS as readonly string[]).includes(s.frame.event) ? s.frame.event : '(unknown)'}`,
          );
          framesSent++;
          const outcome = await attacker.send(s.frame);
          count(answers, outcome.code ?? outcome.kind);
        }
      }),
    ).catch(async (err: Error) => {
      // The node logs a failure just after answering it: give the line a moment to arrive.
      await waitFor(() => node.errors.length > errorsBefore, 'the log line', 2_000).catch(() => {});
      throw new Error(`${err.message}\nthe server logged:\n${serverErrors(errorsBefore)}`);
    });
    if (node.exited() || node.errors.length > errorsBefore) {
      throw new Error(`the server exited or logged errors:\n${serverErrors(errorsBefore)}`);
    }
  },
);

function serverErrors(from: number): string {
  return node.errors
    .slice(from)
    .map((e) => e.slice(0, 1_500))
    .join('\n');
}

describe('mutated socket frames against a running node', () => {
  for (const named of FAILED_BEFORE) {
    it(`regression seed "${named.name}" (${named.seed})`, async () => {
      await check(
        'socket frames',
        { label: named.name, seed: named.seed, path: named.path },
        property,
        1,
      );
    }, 120_000);
  }

  for (const run of plan) {
    it(`${run.label} seed ${run.seed}: every frame of every role is answered as documented`, async () => {
      await check('socket frames', run, property, RUNS_PER_SEED);
    }, 300_000);
  }

  it.skipIf(replaying)('covered every client event from every role', () => {
    const missing = ROLES.flatMap((r) => CLIENT_EVENTS.map((e) => `${r} ${e}`)).filter(
      (k) => !sent.has(k),
    );
    expect(missing).toEqual([]);
  });

  it('no attacker was cut off, and every stray protocol:error is a refused presence update', () => {
    for (const a of attackers.values()) {
      expect(a.disconnected, a.role).toBeNull();
      for (const e of a.stray) {
        expect(e.event).toBe('awareness:update');
        expect(notCatalogueError(e)).toBeNull();
      }
    }
  });

  it('the node lives, logged no error, and its memory stayed bounded; the bystanders never noticed', async () => {
    await expectUnharmed(
      node,
      bystanders,
      before,
      `socket frames: ${framesSent} frames; answers ${JSON.stringify(Object.fromEntries([...answers].sort()))}`,
    );
    if (!replaying)
      expect(framesSent).toBeGreaterThanOrEqual(plan.length * RUNS_PER_SEED * MIN_FRAMES);
  }, 60_000);
});
