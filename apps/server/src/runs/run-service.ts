import { randomBytes } from 'node:crypto';
import type {
  CaseView,
  JobProgress,
  RunJob,
  RunJobResult,
  RunLanguage,
  RunView,
} from '@tandem/protocol';
import type { Config } from '../config.js';
import { AppError } from '../errors.js';
import type { Logger } from '../logger.js';
import type { Store, StoredRun } from '../store/store.js';
import type { ExecutorFactory, ExecutorInfo, RunExecutor } from './executor.js';
import type { ProblemCatalog } from './problems.js';
import { RateLimiter, type WindowCounters } from '../limits/index.js';

/** How long to wait before asking an executor that was not ready again. */
const READY_RETRY_MS = 2_000;

export interface RunRequester {
  /** Session or account id: rate limits and the timeline use it. */
  id: string;
  name: string;
}

export interface StartRun {
  language: string;
  source: string;
  stdin: string;
  problemId?: string | undefined;
}

/** Hidden cases keep only their verdict and figures, whatever the worker sent. */
function redact(cases: CaseView[]): CaseView[] {
  return cases.map((c) =>
    c.hidden
      ? {
          index: c.index,
          hidden: true,
          verdict: c.verdict,
          wallMs: c.wallMs,
          cpuMs: c.cpuMs,
          memoryKb: c.memoryKb,
        }
      : c,
  );
}

function toView(run: StoredRun, queuePosition: number | null): RunView {
  return {
    id: run.id,
    roomId: run.roomId,
    language: run.language,
    problemId: run.problemId,
    status: run.status,
    queuePosition,
    verdict: run.verdict,
    backend: run.backend,
    compile: run.outcome?.compile ?? null,
    result: run.outcome?.result ?? null,
    cases: run.outcome?.cases ?? null,
    summary: run.outcome?.summary ?? null,
    requestedBy: run.requestedByName,
    createdAt: run.createdAt.toISOString(),
    finishedAt: run.finishedAt?.toISOString() ?? null,
  };
}

/**
 * The run queue of this node: checks and rate-limits requests, persists them
 * (queued rows are the persisted queue), hands at most `concurrency` jobs to
 * the executor at a time, keeps live views with queue positions, and publishes
 * every change to the run's room.
 *
 * A run that finds a free slot goes to the executor while its row is being
 * written (stored as running, so no second write follows). Nobody hears of
 * it before the row is stored: not its room, not the requester; its result
 * is stored only after the row, and published only after it is stored.
 */
export class RunService {
  private readonly queue: StoredRun[] = [];
  private readonly live = new Map<string, RunView>();
  private readonly waiters = new Map<string, ((view: RunView) => void)[]>();
  private readonly running = new Set<string>();
  /** Runs given to the executor whose row is still being written. */
  private readonly persisting = new Map<string, Promise<void>>();
  /** Runs stored as running already: their `started` needs no write. */
  private readonly storedRunning = new Set<string>();
  private readonly perUser: RateLimiter;
  private readonly perRoom: RateLimiter;
  private readonly executor: RunExecutor;
  private info: ExecutorInfo | null = null;
  private startupError: string | null = null;
  private closed = false;
  private retryTimer: NodeJS.Timeout | undefined;
  /** Set by the socket layer: sends a view to everyone in its room. */
  publish: (view: RunView) => void = () => {};
  /** Settles once the sandbox answered (ready or failed) and leftovers are queued again. */
  readonly initialized: Promise<void>;

  constructor(
    private readonly deps: {
      store: Store;
      problems: ProblemCatalog;
      config: Config;
      logger: Logger;
      executor: ExecutorFactory;
      concurrency: number;
      /** Shared by every node with Redis. */
      counters: WindowCounters;
    },
  ) {
    this.perUser = new RateLimiter(deps.counters, 'runs-user', deps.config.runRatePerUser, 60_000);
    this.perRoom = new RateLimiter(deps.counters, 'runs-room', deps.config.runRatePerRoom, 60_000);
    this.executor = deps.executor({
      progress: (p) => this.onProgress(p),
      result: (r) => void this.onResult(r),
    });
    this.initialized = this.init();
  }

  /** Waits for the sandbox, then re-queues what a previous process left unfinished. */
  private async init(): Promise<void> {
    try {
      this.ready(await this.executor.ready());
    } catch (err) {
      this.startupError = (err as Error).message;
      this.deps.logger.error({ err }, 'no sandbox: runs are refused until this is fixed');
      void this.retryReady();
      return;
    }
    await this.requeue();
  }

  /**
   * Asks the executor again until it is ready: worker processes (scaled shape)
   * may come up after this node. Runs are refused meanwhile.
   */
  private async retryReady(): Promise<void> {
    while (!this.closed) {
      await new Promise<void>((resolve) => {
        this.retryTimer = setTimeout(resolve, READY_RETRY_MS);
      });
      if (this.closed) return;
      try {
        this.ready(await this.executor.ready());
      } catch {
        continue;
      }
      this.startupError = null;
      this.deps.logger.info(`the ${this.info!.backend} sandbox is ready: runs are accepted`);
      await this.requeue().catch((err: unknown) =>
        this.deps.logger.error({ err }, 'could not re-queue unfinished runs'),
      );
      return;
    }
  }

  private ready(info: ExecutorInfo): void {
    this.info = info;
    if (info.unavailableReason) {
      this.deps.logger.warn(
        { reason: info.unavailableReason },
        `runs use the ${info.backend} sandbox`,
      );
    }
  }

  private async requeue(): Promise<void> {
    for (const run of await this.deps.store.runs.unfinished()) {
      this.queue.push({ ...run, status: 'queued' });
      this.update(toView(run, this.queue.length));
    }
    this.pump();
  }

  /** Runs waiting for a slot on this node. */
  get queueDepth(): number {
    return this.queue.length;
  }

  languages(): RunLanguage[] {
    return this.info?.languages ?? [];
  }

  sandboxInfo(): { backend: ExecutorInfo['backend'] | null; unavailableReason: string | null } {
    return {
      backend: this.info?.backend ?? null,
      unavailableReason: this.startupError ?? this.info?.unavailableReason ?? null,
    };
  }

  async start(request: StartRun, who: RunRequester, roomId: string | null): Promise<RunView> {
    await this.initialized;
    if (!this.info) throw new AppError('SANDBOX_UNAVAILABLE');
    if (!this.info.languages.some((l) => l.id === request.language)) {
      throw new AppError(
        'LANGUAGE_UNAVAILABLE',
        `"${request.language}" cannot run here; available: ${this.info.languages.map((l) => l.id).join(', ')}`,
        'language',
      );
    }
    if (request.problemId !== undefined) {
      const problem = this.deps.problems.get(request.problemId);
      if (!problem) {
        throw new AppError('PROBLEM_NOT_FOUND', `No problem "${request.problemId}"`, 'problemId');
      }
      if (!this.deps.problems.judging(problem, request.language)) {
        throw new AppError(
          'LANGUAGE_NOT_FOR_PROBLEM',
          `"${problem.title}" is judged by calling ${problem.function?.signature.name ?? 'a function'}, which ${request.language} cannot do here; pick another language`,
          'language',
        );
      }
    }
    const userWait = await this.perUser.take(who.id);
    if (userWait > 0) {
      throw AppError.retryable(
        'RATE_LIMITED',
        `You can start ${this.deps.config.runRatePerUser} runs a minute. Try again in ${userWait} s.`,
        userWait,
      );
    }
    const roomWait = roomId ? await this.perRoom.take(roomId) : 0;
    if (roomWait > 0) {
      throw AppError.retryable(
        'RATE_LIMITED',
        `This room can start ${this.deps.config.runRatePerRoom} runs a minute. Try again in ${roomWait} s.`,
        roomWait,
      );
    }
    if (this.queue.length >= this.deps.config.runQueueLimit) {
      throw AppError.retryable(
        'QUEUE_FULL',
        'Too many runs are waiting. Try again in a few seconds.',
        5,
      );
    }
    const run: StoredRun = {
      id: randomBytes(12).toString('base64url'),
      roomId,
      requestedBy: who.id,
      requestedByName: who.name,
      language: request.language,
      problemId: request.problemId ?? null,
      source: request.source,
      stdin: request.stdin,
      status: 'queued',
      verdict: null,
      backend: null,
      outcome: null,
      createdAt: new Date(),
      finishedAt: null,
    };
    const backend = this.info.backend;
    if (this.queue.length > 0 || this.running.size >= this.deps.concurrency) {
      await this.deps.store.runs.create(run);
      this.queue.push(run);
      const view = this.update(toView(run, this.queue.length));
      this.pump();
      return this.live.get(run.id) ?? view;
    }
    const persisted = this.deps.store.runs.create(run, backend);
    this.persisting.set(run.id, persisted);
    this.storedRunning.add(run.id);
    this.dispatch({ ...run, status: 'running', backend });
    try {
      await persisted;
    } catch (err) {
      // Its result will find no row and be dropped.
      this.executor.cancel(run.id);
      throw err;
    } finally {
      this.persisting.delete(run.id);
    }
    const view = this.live.get(run.id);
    if (!view) return toView({ ...run, status: 'running', backend }, null);
    this.publish(view);
    return view;
  }

  /** Stops a queued or running run; a run of another room is not found. */
  async cancel(runId: string, roomId: string | null): Promise<void> {
    const view = this.live.get(runId);
    if (!view || view.roomId !== roomId) throw new AppError('RUN_NOT_FOUND');
    const queued = this.queue.findIndex((r) => r.id === runId);
    if (queued >= 0) {
      this.queue.splice(queued, 1);
      await this.finish({
        runId,
        verdict: 'cancelled',
        backend: this.info?.backend ?? 'bubblewrap',
        compile: null,
        result: null,
        cases: null,
        summary: null,
      });
      this.publishPositions();
      return;
    }
    this.executor.cancel(runId);
  }

  async get(runId: string): Promise<RunView | null> {
    const live = this.live.get(runId);
    if (live) return live;
    const stored = await this.deps.store.runs.get(runId);
    return stored ? toView(stored, null) : null;
  }

  async latestInRoom(roomId: string): Promise<RunView | null> {
    const stored = await this.deps.store.runs.latestInRoom(roomId);
    return stored ? (this.live.get(stored.id) ?? toView(stored, null)) : null;
  }

  /** Resolves with the finished view. */
  async finished(runId: string): Promise<RunView> {
    const now = await this.get(runId);
    if (now?.status === 'finished') return now;
    return new Promise((resolve) => {
      const list = this.waiters.get(runId) ?? [];
      list.push(resolve);
      this.waiters.set(runId, list);
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.retryTimer);
    await this.executor.close();
  }

  private pump(): void {
    while (this.info && this.running.size < this.deps.concurrency && this.queue.length > 0) {
      this.dispatch(this.queue.shift()!);
    }
    this.publishPositions();
  }

  private dispatch(run: StoredRun): void {
    this.running.add(run.id);
    this.executor.start(this.toJob(run));
    this.update({
      ...(this.live.get(run.id) ?? toView(run, null)),
      status: 'running',
      queuePosition: null,
    });
  }

  private toJob(run: StoredRun): RunJob {
    const problem = run.problemId ? this.deps.problems.get(run.problemId) : undefined;
    const judging = problem ? this.deps.problems.judging(problem, run.language) : null;
    return {
      runId: run.id,
      language: run.language,
      source: run.source,
      stdin: run.stdin,
      cases: judging?.cases ?? null,
      harness: judging?.harness ?? null,
      limits: problem ? problem.limits : null,
    };
  }

  private publishPositions(): void {
    this.queue.forEach((run, i) => {
      const view = this.live.get(run.id);
      if (view && view.queuePosition !== i + 1) this.update({ ...view, queuePosition: i + 1 });
    });
  }

  private onProgress(progress: JobProgress): void {
    const view = this.live.get(progress.runId);
    if (!view) return;
    switch (progress.type) {
      case 'started':
        if (!this.storedRunning.delete(progress.runId)) {
          void this.deps.store.runs
            .markRunning(progress.runId, progress.backend)
            .catch((err: unknown) =>
              this.deps.logger.warn({ err }, 'could not mark run as running'),
            );
        }
        this.update({ ...view, backend: progress.backend });
        return;
      case 'case':
        this.update({ ...view, cases: [...(view.cases ?? []), ...redact([progress.case])] });
        return;
    }
  }

  private async onResult(result: RunJobResult): Promise<void> {
    this.running.delete(result.runId);
    this.storedRunning.delete(result.runId);
    try {
      await this.finish(result);
    } catch (err) {
      this.deps.logger.error({ err, runId: result.runId }, 'could not store a run result');
    }
    this.pump();
  }

  private async finish(result: RunJobResult): Promise<void> {
    const { compile, result: step, summary } = result;
    const cases = result.cases ? redact(result.cases) : null;
    // Its row first (a run that found a free slot may finish before its row is written).
    await this.persisting.get(result.runId)?.catch(() => undefined);
    const stored = await this.deps.store.runs.finish(result.runId, {
      verdict: result.verdict,
      backend: result.backend,
      outcome: { compile, result: step, cases, summary },
      finishedAt: new Date(),
    });
    const view = stored ? toView(stored, null) : null;
    this.live.delete(result.runId);
    if (!view) return;
    this.publish(view);
    for (const resolve of this.waiters.get(result.runId) ?? []) resolve(view);
    this.waiters.delete(result.runId);
  }

  private update(view: RunView): RunView {
    this.live.set(view.id, view);
    if (!this.persisting.has(view.id)) this.publish(view);
    return view;
  }
}
