/**
 * Two honest people editing one room while a test attacks the server: each
 * edit's round trip (typed → acknowledged as saved → seen by the other) is
 * timed into the current phase, and any lost connection is recorded.
 */
import * as Y from 'yjs';
import { RoomConnection } from '@tandem/client';

/** Pace of the honest edits; the round trips are what is measured. */
const EDIT_EVERY_MS = 20;
/** A round trip longer than this counts as a stall. */
const STALL_MS = 15_000;

export interface Bystanders {
  a: RoomConnection;
  b: RoomConnection;
  /** Round trips in milliseconds, by phase. */
  readonly latencies: Map<string, number[]>;
  /** Every moment a bystander left `connected`, or an edit stalled. */
  readonly incidents: string[];
  /** Later round trips are recorded under `name`. */
  phase(name: string): void;
  /** Resolves once `n` round trips of the current phase were recorded. */
  samples(n: number): Promise<void>;
  /** Stops editing, after the edit in flight. */
  stop(): Promise<void>;
  close(): void;
  /** Both documents hold the same state (text and state vector). */
  identical(): boolean;
}

export async function startBystanders(url: string, roomId: string): Promise<Bystanders> {
  const options = { url, roomId, resyncIntervalMs: 0, socket: { transports: ['websocket'] } };
  const a = new RoomConnection({ ...options, name: 'Ada' });
  const b = new RoomConnection({ ...options, name: 'Bob' });
  await Promise.all([a.whenSynced(), b.whenSynced()]);
  const latencies = new Map<string, number[]>();
  const incidents: string[] = [];
  let current = 'before';
  let running = true;
  let waiters: Array<() => void> = [];
  for (const [who, conn] of [
    ['Ada', a],
    ['Bob', b],
  ] as const) {
    conn.on('status', (s) => {
      if (running && s !== 'connected') incidents.push(`${who} became ${s} during "${current}"`);
    });
  }

  const roundTrip = async (writer: RoomConnection, reader: RoomConnection, marker: string) => {
    const seen = new Promise<void>((resolve) => {
      const check = () => {
        if (!reader.text.toString().includes(marker)) return;
        reader.doc.off('update', check);
        resolve();
      };
      reader.doc.on('update', check);
    });
    const started = performance.now();
    writer.text.insert(writer.text.length, marker);
    let timer: ReturnType<typeof setTimeout> | undefined;
    const stalled = new Promise<string>((resolve) => {
      timer = setTimeout(() => resolve(`stalled over ${STALL_MS} ms`), STALL_MS);
    });
    const outcome = await Promise.race([
      Promise.all([writer.whenSaved(), seen]).then(
        () => 'ok' as const,
        (err: Error) => `failed: ${err.message}`,
      ),
      stalled,
    ]);
    clearTimeout(timer);
    return outcome === 'ok' ? performance.now() - started : outcome;
  };

  const loop = (async () => {
    for (let i = 0; running; i++) {
      const [writer, reader] = i % 2 === 0 ? [a, b] : [b, a];
      const ms = await roundTrip(writer, reader, `<${i}>`);
      if (typeof ms === 'string') {
        incidents.push(`edit ${i} ${ms} during "${current}"`);
        if (writer.status === 'closed') break;
      } else {
        const list = latencies.get(current) ?? [];
        list.push(ms);
        latencies.set(current, list);
      }
      for (const w of waiters) w();
      await new Promise((r) => setTimeout(r, EDIT_EVERY_MS));
    }
  })();

  return {
    a,
    b,
    latencies,
    incidents,
    phase(name) {
      current = name;
    },
    samples(n) {
      return new Promise((resolve) => {
        const check = () => {
          if ((latencies.get(current)?.length ?? 0) < n) return;
          waiters = waiters.filter((w) => w !== check);
          resolve();
        };
        waiters.push(check);
        check();
      });
    },
    async stop() {
      running = false;
      await loop;
    },
    close() {
      a.destroy();
      b.destroy();
    },
    identical() {
      const sv = (c: RoomConnection) => Buffer.from(Y.encodeStateVector(c.doc)).toString('hex');
      return a.text.toString() === b.text.toString() && sv(a) === sv(b);
    },
  };
}

/** The p-th percentile (0-100) of `values`, nearest rank. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((x, y) => x - y);
  return sorted[
    Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))
  ]!;
}
