/**
 * Fan-out: rooms of 4 editors, one of them typing at a fixed rate and moving
 * its cursor with every keystroke. Each keystroke inserts `<seq>;`; the three
 * readers parse what arrives, so latency is measured per edit on one clock
 * (all clients of a room live in the same load-generator process).
 *
 * With several nodes (the cross-node benchmark), client c of room i connects
 * to node (i + c) mod N: writers alternate between nodes, and with two nodes
 * two of a room's three readers are on the other node. Latencies are also
 * reported split by whether the reader shares the writer's node.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { BenchConn, SystemClient } from '../clients/types.js';
import { Samples } from '../stats.js';

export interface FanoutOptions {
  /** Names rooms uniquely across load generators. */
  tag: string;
  rooms: number;
  clientsPerRoom: number;
  editsPerSecond: number;
  warmupMs: number;
  measureMs: number;
  drainMs: number;
  connectConcurrency: number;
  connectTimeoutMs: number;
}

export interface FanoutResult {
  connections: number;
  connectMs: number;
  /** Edits sent during the measured window. */
  measuredEdits: number;
  /** Expected deliveries (edits x readers) and those never seen. */
  expected: number;
  lost: number;
  editLatencies: number[];
  /** The same deliveries, split: readers on the writer's node, and on another node. */
  sameNodeLatencies: number[];
  crossNodeLatencies: number[];
  cursorLatencies: number[];
  loadgenCpuSeconds: number;
  loadgenLoopDelayP99Ms: number;
}

interface Room {
  writer: BenchConn;
  readers: BenchConn[];
  /** Per reader: connected to another node than the writer. */
  crossNode: boolean[];
  sentAt: Map<number, number>;
  seen: Map<number, number>;
  seq: number;
}

const TOKEN = /(\d+);/g;

let rooms: Room[] = [];
let opts: FanoutOptions;

async function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} timed out after ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([p, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Phase 1: create the rooms and connect every client; resolves when all are
 * synced. `nodes` holds one client per server node (one for a single server).
 */
export async function connectFanout(
  nodes: SystemClient[],
  options: FanoutOptions,
): Promise<number> {
  opts = options;
  const nodeOf = (room: number, client: number) => (room + client) % nodes.length;
  const start = performance.now();
  const perBatch = Math.max(1, Math.floor(options.connectConcurrency / options.clientsPerRoom));
  for (let first = 0; first < options.rooms; first += perBatch) {
    const batch = await Promise.all(
      Array.from({ length: Math.min(perBatch, options.rooms - first) }, async (_, k) => {
        const index = first + k;
        const id = await nodes[nodeOf(index, 0)]!.prepareRoom(`fanout-${options.tag}-${index}`);
        const conns = Array.from({ length: options.clientsPerRoom }, (_, c) =>
          nodes[nodeOf(index, c)]!.connect(id, `bench-${index}-${c}`),
        );
        await withTimeout(
          Promise.all(conns.map((c) => c.synced)),
          options.connectTimeoutMs,
          `room ${index} sync`,
        );
        return { index, conns };
      }),
    );
    for (const { index, conns } of batch) {
      const [writer, ...readers] = conns;
      const crossNode = readers.map((_, r) => nodeOf(index, r + 1) !== nodeOf(index, 0));
      rooms.push({
        writer: writer!,
        readers,
        crossNode,
        sentAt: new Map(),
        seen: new Map(),
        seq: 0,
      });
    }
  }
  return performance.now() - start;
}

function observe(
  room: Room,
  editLat: Samples,
  split: [Samples, Samples],
  cursorLat: Samples,
): void {
  const writerId = room.writer.awareness.clientID;
  room.readers.forEach((reader, r) => {
    const mine = split[room.crossNode[r] ? 1 : 0];
    reader.text.observe((event) => {
      const now = performance.now();
      for (const op of event.delta) {
        if (typeof op.insert !== 'string') continue;
        for (const m of op.insert.matchAll(TOKEN)) {
          const seq = Number(m[1]);
          const sent = room.sentAt.get(seq);
          if (sent === undefined) continue;
          room.seen.set(seq, (room.seen.get(seq) ?? 0) + 1);
          editLat.push(now - sent);
          mine.push(now - sent);
        }
      }
    });
    reader.awareness.on('change', ({ added, updated }: { added: number[]; updated: number[] }) => {
      if (!added.includes(writerId) && !updated.includes(writerId)) return;
      const cursor = reader.awareness.getStates().get(writerId)?.cursor as
        { t?: number; measured?: boolean } | undefined;
      if (cursor?.measured && typeof cursor.t === 'number')
        cursorLat.push(performance.now() - cursor.t);
    });
  });
}

/** Phase 2: type for warm-up + measure, stop, wait for stragglers, report, disconnect. */
export async function runFanout(): Promise<FanoutResult> {
  const editLat = new Samples();
  const cursorLat = new Samples();
  const split: [Samples, Samples] = [new Samples(), new Samples()];
  for (const room of rooms) observe(room, editLat, split, cursorLat);
  const period = 1000 / opts.editsPerSecond;
  let measuring = false;
  const timers: NodeJS.Timeout[] = [];
  rooms.forEach((room, i) => {
    const tick = () => {
      const now = performance.now();
      const seq = ++room.seq;
      if (measuring) room.sentAt.set(seq, now);
      room.writer.text.insert(room.writer.text.length, `${seq};`);
      room.writer.awareness.setLocalStateField('cursor', {
        index: room.writer.text.length,
        t: now,
        measured: measuring,
      });
    };
    // Spread the writers evenly over one period, as independent typists would be.
    timers.push(
      setTimeout(() => timers.push(setInterval(tick, period)), (i * period) / rooms.length),
    );
  });
  await new Promise((r) => setTimeout(r, opts.warmupMs));
  const loop = monitorEventLoopDelay({ resolution: 10 });
  loop.enable();
  const cpu0 = process.cpuUsage();
  measuring = true;
  await new Promise((r) => setTimeout(r, opts.measureMs));
  measuring = false;
  for (const t of timers) clearTimeout(t);
  const cpu = process.cpuUsage(cpu0);
  loop.disable();

  const readers = opts.clientsPerRoom - 1;
  const measuredEdits = rooms.reduce((n, r) => n + r.sentAt.size, 0);
  const expected = measuredEdits * readers;
  const seenAll = () =>
    rooms.reduce((n, r) => n + [...r.seen.values()].reduce((a, b) => a + b, 0), 0);
  const drainEnd = performance.now() + opts.drainMs;
  while (seenAll() < expected && performance.now() < drainEnd)
    await new Promise((r) => setTimeout(r, 50));
  const lost = expected - seenAll();

  for (const room of rooms) for (const c of [room.writer, ...room.readers]) c.destroy();
  const connections = rooms.length * opts.clientsPerRoom;
  rooms = [];
  return {
    connections,
    connectMs: 0,
    measuredEdits,
    expected,
    lost,
    editLatencies: Array.from(editLat.values()),
    sameNodeLatencies: Array.from(split[0].values()),
    crossNodeLatencies: Array.from(split[1].values()),
    cursorLatencies: Array.from(cursorLat.values()),
    loadgenCpuSeconds: (cpu.user + cpu.system) / 1e6,
    loadgenLoopDelayP99Ms: loop.percentile(99) / 1e6,
  };
}
