import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { StoredRun } from './store.js';
import { T0, type ContractContext } from './store.contract-fixtures.js';

function newRun(
  roomId: string | null,
  at = T0,
): Parameters<ReturnType<ContractContext['store']>['runs']['create']>[0] {
  return {
    id: `run-${randomUUID()}`,
    roomId,
    requestedBy: 'alice-session',
    requestedByName: 'Alice',
    language: 'python',
    problemId: null,
    source: 'print(1)',
    stdin: '',
    createdAt: at,
  };
}

const OUTCOME: StoredRun['outcome'] = {
  compile: null,
  result: {
    stdout: '1\n',
    stderr: '',
    stdoutTruncated: false,
    stderrTruncated: false,
    exitCode: 0,
    signal: null,
    wallMs: 12,
    cpuMs: 10,
    memoryKb: 8000,
  },
  cases: null,
  summary: null,
};

/** Runs: the persisted queue and results, with their timeline entries. */
export function runsContract(ctx: ContractContext): void {
  describe('runs', () => {
    it('stores a queued run with its run.requested entry, then its result with run.finished', async () => {
      const store = ctx.store();
      const roomId = await ctx.newRoom();
      const run = newRun(roomId);
      await store.runs.create(run);
      expect(await store.runs.get(run.id)).toMatchObject({
        status: 'queued',
        verdict: null,
        source: 'print(1)',
      });
      await store.runs.markRunning(run.id, 'bubblewrap');
      expect((await store.runs.get(run.id))?.status).toBe('running');
      const done = await store.runs.finish(run.id, {
        verdict: 'ok',
        backend: 'bubblewrap',
        outcome: OUTCOME,
        finishedAt: new Date(T0.getTime() + 50),
      });
      expect(done).toMatchObject({
        status: 'finished',
        verdict: 'ok',
        backend: 'bubblewrap',
        outcome: OUTCOME,
      });
      const types = (await store.readTimeline(roomId, 0, 10)).map((e) => e.type);
      expect(types).toEqual(['room.created', 'run.requested', 'run.finished']);
    });

    it('stores a run that went straight to a worker as running, still unfinished', async () => {
      const store = ctx.store();
      const roomId = await ctx.newRoom();
      const run = newRun(roomId);
      await store.runs.create(run, 'wasm');
      expect(await store.runs.get(run.id)).toMatchObject({ status: 'running', backend: 'wasm' });
      expect((await store.runs.unfinished()).map((r) => r.id)).toContain(run.id);
      const types = (await store.readTimeline(roomId, 0, 10)).map((e) => e.type);
      expect(types).toEqual(['room.created', 'run.requested']);
    });

    it('finishing twice changes nothing the second time', async () => {
      const store = ctx.store();
      const run = newRun(await ctx.newRoom());
      await store.runs.create(run);
      await store.runs.finish(run.id, {
        verdict: 'cancelled',
        backend: null,
        outcome: null,
        finishedAt: T0,
      });
      expect(
        await store.runs.finish(run.id, {
          verdict: 'ok',
          backend: 'wasm',
          outcome: OUTCOME,
          finishedAt: T0,
        }),
      ).toBeNull();
      expect((await store.runs.get(run.id))?.verdict).toBe('cancelled');
    });

    it('lists unfinished runs oldest first, and finds a room’s latest run', async () => {
      const store = ctx.store();
      const roomId = await ctx.newRoom();
      const older = newRun(roomId, new Date(T0.getTime() + 1));
      const newer = newRun(roomId, new Date(T0.getTime() + 2));
      await store.runs.create(newer);
      await store.runs.create(older);
      const unfinished = (await store.runs.unfinished()).map((r) => r.id);
      expect(unfinished.indexOf(older.id)).toBeLessThan(unfinished.indexOf(newer.id));
      expect((await store.runs.latestInRoom(roomId))?.id).toBe(newer.id);
      expect(await store.runs.latestInRoom(await ctx.newRoom())).toBeNull();
    });

    it('a run in an unknown room is refused and nothing is stored', async () => {
      const store = ctx.store();
      const run = newRun('room-that-does-not-exist');
      await expect(store.runs.create(run)).rejects.toThrow();
      expect(await store.runs.get(run.id)).toBeNull();
    });
  });
}
