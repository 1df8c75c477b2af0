/**
 * A load-generator process for the execution benchmarks: one room of a few
 * SDK clients. One member presses Run; a run counts as done when EVERY member
 * has received its `finished` update, all on this process's clock. Answers
 * the bench over IPC (see runs/run-room.ts).
 */
import { RoomConnection, TandemApi } from '@tandem/client';
import type { RunView } from '@tandem/protocol';
import { closedLoop, type LoopResult } from '../runs/closed-loop.js';
import { nthProgram, type BenchProgram, type MixName } from '../runs/programs.js';

export interface RunMemberRequests {
  open: { args: { url: string; members: number }; result: null };
  timed: {
    args: { program: BenchProgram; count: number; concurrency: number };
    result: TimedResult;
  };
  loop: { args: { mix: MixName; concurrency: number; durationMs: number }; result: LoopResult };
  close: { args: Record<string, never>; result: null };
}

export interface TimedResult {
  /** Request to result at the last member, per successful run. */
  latencies: number[];
  failed: number;
  firstError?: string;
}

const RUN_TIMEOUT_MS = 60_000;

interface Pending {
  seen: Set<number>;
  lastAt: number;
  view?: RunView;
  done?: () => void;
}

let members: RoomConnection[] = [];
const pending = new Map<string, Pending>();

function entry(id: string): Pending {
  let p = pending.get(id);
  if (!p) pending.set(id, (p = { seen: new Set(), lastAt: 0 }));
  return p;
}

async function open(url: string, count: number): Promise<null> {
  const api = new TandemApi(url);
  const room = await api.createRoom({ title: `runs-${Date.now()}`, language: 'python' });
  members = Array.from(
    { length: count },
    (_, i) => new RoomConnection({ url, roomId: room.id, name: `runner-${i}` }),
  );
  members.forEach((conn, i) =>
    conn.on('run', (view) => {
      if (view.status !== 'finished') return;
      const p = entry(view.id);
      if (p.seen.has(i)) return;
      p.seen.add(i);
      p.lastAt = performance.now();
      p.view = view;
      if (p.seen.size === members.length) p.done?.();
    }),
  );
  await Promise.all(members.map((m) => m.whenSynced()));
  return null;
}

/** One run from request to the last member's result; rejects on a wrong outcome. */
async function runOnce(program: BenchProgram): Promise<number> {
  const t0 = performance.now();
  const queued = await members[0]!.run({
    language: program.language,
    source: program.source,
    stdin: '',
  });
  const p = entry(queued.id);
  if (p.seen.size < members.length) {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`run ${queued.id} not seen by every member`)),
        RUN_TIMEOUT_MS,
      );
      p.done = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }
  pending.delete(queued.id);
  const view = p.view!;
  if (view.verdict !== program.verdict)
    throw new Error(`${program.label}: verdict ${view.verdict}, expected ${program.verdict}`);
  if (program.stdout !== undefined && view.result?.stdout !== program.stdout)
    throw new Error(
      `${program.label}: stdout ${JSON.stringify(view.result?.stdout?.slice(0, 80))}`,
    );
  return p.lastAt - t0;
}

async function timed(
  program: BenchProgram,
  count: number,
  concurrency: number,
): Promise<TimedResult> {
  const latencies: number[] = [];
  let failed = 0;
  let firstError: string | undefined;
  let next = 0;
  const worker = async () => {
    while (next < count) {
      next++;
      try {
        latencies.push(await runOnce(program));
      } catch (err) {
        failed++;
        firstError ??= err instanceof Error ? err.message : String(err);
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return { latencies, failed, ...(firstError ? { firstError } : {}) };
}

type Handlers = {
  [K in keyof RunMemberRequests]: (
    args: RunMemberRequests[K]['args'],
  ) => Promise<RunMemberRequests[K]['result']>;
};

const handlers: Handlers = {
  open: ({ url, members: n }) => open(url, n),
  timed: ({ program, count, concurrency }) => timed(program, count, concurrency),
  loop: ({ mix, concurrency, durationMs }) =>
    closedLoop(concurrency, durationMs, async (n) => {
      await runOnce(nthProgram(mix, n));
    }),
  close: () => {
    for (const m of members) m.destroy();
    members = [];
    return Promise.resolve(null);
  },
};

interface Message {
  id: number;
  name: keyof RunMemberRequests;
  args: unknown;
}

process.on('message', (msg: Message) => {
  const handler = handlers[msg.name] as (args: unknown) => Promise<unknown>;
  handler(msg.args).then(
    (result) => process.send!({ id: msg.id, ok: true, result }),
    (err: unknown) =>
      process.send!({
        id: msg.id,
        ok: false,
        error: err instanceof Error ? err.message : String(err),
      }),
  );
});
process.on('disconnect', () => process.exit(0));
process.send!({ id: 0, ok: true, result: 'ready' });
