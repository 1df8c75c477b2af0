/**
 * Malformed transport packets against a running node: what reaches the
 * server below any socket.io client. Packets that decode are answered (an
 * ack or a protocol:error from the catalogue, a connect error for an unknown
 * namespace) and the connection goes on; packets the Socket.IO parser cannot
 * decode, or that come before the namespace was joined, close that
 * connection only, as docs/PROTOCOL.md says. Bystanders keep editing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { TandemApi } from '@tandem/client';
import { wrongAnswers } from './attacker.js';
import { startBystanders, type Bystanders } from './bystanders.js';
import { EngineSocket } from './engine-socket.js';
import { startNodeProcess, type NodeProcess } from './node-process.js';
import { check, seeds } from './seeds.js';
import { junk } from './value-arbitraries.js';
import { expectUnharmed } from './unharmed.js';
import { settledMemory, type Memory } from './vitals.js';

const FIXED_SEED = 20_261_107;
const RUNS_PER_SEED = 50;
const MIN_PACKETS = 10;
const MAX_UPDATE_BYTES = 64 * 1024;

/** A packet to send, and whether the server may close the connection over it. */
interface Packet {
  kind: string;
  frames: (string | Buffer)[];
  mayClose: boolean;
  /** Sent on a transport that never joined the namespace. */
  beforeJoin?: boolean;
}

const json = (v: unknown) => JSON.stringify(v) ?? 'null';
const event = fc.constantFrom(
  'sync:step1',
  'doc:update',
  'awareness:update',
  'room:command',
  'run:cancel',
  'interview:command',
  'nope',
);

const packet: fc.Arbitrary<Packet> = fc.oneof(
  // Well-formed events with any payload and any (or no) ack id: answered, connection kept.
  // (Every frame stays under the transport's cut-off, 4 x MAX_UPDATE_BYTES, but the one meant to pass it.)
  fc
    .tuple(event, fc.array(junk, { maxLength: 2 }), fc.option(fc.nat(1_000_000)))
    .map(([e, args, id]) => ({
      kind: 'event',
      frames: [`42${id ?? ''}${json([e, ...args])}`],
      mayClose: false,
    })),
  // Finite only: JSON writes an infinite number as null, and a null event name is a packet
  // the parser refuses (closing the connection), not a numeric name.
  fc.oneof(fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true })).map((n) => ({
    kind: 'numeric-name',
    frames: [`420${json([n, 1])}`],
    mayClose: false,
  })),
  fc.integer({ min: 10_000, max: 120_000 }).map((n) => ({
    kind: 'deep-payload',
    frames: [`421["room:command",${'['.repeat(n)}${']'.repeat(n)}]`],
    mayClose: false,
  })),
  fc.constantFrom('/admin', '/nope', '/../').map((nsp) => ({
    kind: 'other-namespace',
    frames: [`40${nsp},{}`],
    mayClose: false,
  })),
  fc.nat().map((id) => ({ kind: 'stray-ack', frames: [`43${id}["x"]`], mayClose: false })),
  fc.constantFrom('3', '6').map((f) => ({ kind: 'engine-noop', frames: [f], mayClose: false })),
  // Encodings the parser refuses: the connection closes.
  fc.tuple(fc.string({ maxLength: 40 }), fc.nat()).map(([text, cut]) => {
    const valid = `42${json(['doc:update', text])}`;
    return {
      kind: 'broken-json',
      frames: [valid.slice(0, 3 + (cut % (valid.length - 3)))],
      mayClose: true,
    };
  }),
  fc.string({ maxLength: 30 }).map((s) => ({ kind: 'garbage', frames: [`4${s}`], mayClose: true })),
  fc
    .constantFrom(
      '4',
      '49',
      '42',
      '4299999999999999999999["x"]',
      '42["connect"]',
      '42["disconnect"]',
      '40{"x":',
      '42{}',
    )
    .map((f) => ({
      kind: 'bad-packet',
      frames: [f],
      mayClose: true,
    })),
  fc
    .tuple(
      fc.integer({ min: 0, max: 12 }),
      fc.integer({ min: 0, max: 3 }),
      fc.uint8Array({ maxLength: 16 }),
    )
    .map(([declared, sent, bytes]) => ({
      kind: 'attachments',
      frames: [
        `45${declared}-["doc:update",{"_placeholder":true,"num":${sent}}]`,
        ...Array.from({ length: sent }, () => Buffer.from(bytes)),
      ],
      mayClose: true,
    })),
  fc.uint8Array({ minLength: 1, maxLength: 32 }).map((b) => ({
    kind: 'binary-without-header',
    frames: [Buffer.from(b)],
    mayClose: true,
  })),
  fc.constant<Packet>({
    kind: 'over-frame-limit',
    frames: [`42["doc:update","${'x'.repeat(4 * MAX_UPDATE_BYTES + 10)}"]`],
    mayClose: true,
  }),
  fc
    .constantFrom('1', '5', 'x', '')
    .map((f) => ({ kind: 'engine-other', frames: [f], mayClose: true })),
  fc.tuple(event, fc.array(junk, { maxLength: 1 })).map(([e, args]) => ({
    kind: 'before-join',
    frames: [`421${json([e, ...args])}`],
    mayClose: true,
    beforeJoin: true,
  })),
);

let node: NodeProcess;
let roomId: string;
let bystanders: Bystanders;
let before: Memory;
let joined: EngineSocket;
const plan = seeds(FIXED_SEED);
const replaying = plan[0]?.label === 'replay';
let packetsSent = 0;
const outcomes = new Map<string, number>();
const count = (key: string) => outcomes.set(key, (outcomes.get(key) ?? 0) + 1);

beforeAll(async () => {
  node = await startNodeProcess({
    MAX_UPDATE_BYTES: String(MAX_UPDATE_BYTES),
    ABUSE_LIMIT: '100000',
  });
  roomId = (await new TandemApi(node.url).createRoom({ title: 'attacked' })).id;
  joined = await EngineSocket.open(node.port, roomId);
  bystanders = await startBystanders(node.url, roomId);
  await bystanders.samples(100);
  before = await settledMemory(node);
  bystanders.phase('during');
}, 180_000);

afterAll(async () => {
  joined?.close();
  bystanders?.close();
  await node?.stop();
});

const property = fc.asyncProperty(
  fc.array(packet, { minLength: MIN_PACKETS, maxLength: 2 * MIN_PACKETS }),
  async (packets) => {
    const errorsBefore = node.errors.length;
    for (const p of packets) {
      packetsSent++;
      const socket = p.beforeJoin ? await EngineSocket.open(node.port) : joined;
      const seenBefore = socket.packets.length;
      for (const f of p.frames) socket.send(f);
      const open = await socket.probe();
      count(`${p.kind} ${open ? 'answered' : 'closed'}`);
      const wrong = wrongAnswers(socket.packets.slice(seenBefore));
      if (wrong.length > 0) throw new Error(`${p.kind}: ${wrong.join('; ')}`);
      if (!open && !p.mayClose) {
        throw new Error(
          `${p.kind} ${JSON.stringify(p.frames.map((f) => f.slice(0, 120)))} closed the connection`,
        );
      }
      if (p.beforeJoin) socket.close();
      else if (!open) joined = await EngineSocket.open(node.port, roomId);
    }
    if (node.exited() || node.errors.length > errorsBefore) {
      throw new Error(
        `the server exited or logged errors:\n${node.errors.slice(errorsBefore).join('\n').slice(0, 4_000)}`,
      );
    }
  },
);

describe('malformed transport packets against a running node', () => {
  for (const run of plan) {
    it(`${run.label} seed ${run.seed}: each packet is answered, or closes only its own connection`, async () => {
      await check('transport packets', run, property, RUNS_PER_SEED);
    }, 300_000);
  }

  it.skipIf(replaying)(
    'a packet before the namespace was joined, and an unparsable one, close the connection',
    () => {
      expect(outcomes.get('before-join answered') ?? 0).toBe(0);
      expect(outcomes.get('broken-json closed') ?? 0).toBeGreaterThan(0);
      expect(outcomes.get('over-frame-limit closed') ?? 0).toBeGreaterThan(0);
    },
  );

  it('the node lives, logged no error, and its memory stayed bounded; the bystanders never noticed', async () => {
    await expectUnharmed(
      node,
      bystanders,
      before,
      `transport packets: ${packetsSent} packets; outcomes ${JSON.stringify(Object.fromEntries([...outcomes].sort()))}`,
    );
    if (!replaying)
      expect(packetsSent).toBeGreaterThanOrEqual(plan.length * RUNS_PER_SEED * MIN_PACKETS);
  }, 60_000);
});
