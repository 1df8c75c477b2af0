/**
 * The bubblewrap backend: each step runs in a fresh bwrap sandbox (every
 * namespace unshared, no capabilities, uid 65534 on the host too) inside its
 * own cgroup. It fails closed: without bwrap, root, or a writable cgroup
 * hierarchy with memory, pids and CPU accounting, it reports itself
 * unavailable instead of running anything.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import { access, lstat, readFile, readlink, rmdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { DEFAULT_RUN_LIMITS } from '../types.js';
import type {
  LanguageSpec,
  SandboxBackend,
  SourceFile,
  StepRequest,
  StepResult,
  Workspace,
} from '../types.js';
import { BWRAP, PRLIMIT, SETPRIV, buildBoxCommand, type HostLayout } from './args.js';
import { detectCgroups, type Cgroups } from './cgroup.js';
import { compileSeccomp } from './seccomp.js';
import { supervise } from './supervise.js';
import { BoxWorkspace, prepareStateDir, sweepJobFolders } from './workspace.js';

export interface BubblewrapOptions {
  /** Host folder for job folders and the box's /etc files (default: `<tmpdir>/tandem-sandbox`). */
  stateDir?: string;
  /**
   * Name of the parent cgroup shared by all instances (default `tandem`):
   * each instance creates `<parent>/<instance id>` and its step groups below.
   */
  cgroupParent?: string;
  /** Told about clean-up that failed after a result was out (a mount left behind, say). */
  onCleanupError?: (error: unknown) => void;
}

interface Ready {
  cgroups: Cgroups;
  layout: HostLayout;
  jobsDir: string;
}

const HOST_TOOLS = [BWRAP, PRLIMIT, SETPRIV, '/usr/bin/mount', '/usr/bin/umount'];
const TOP_LEVEL = ['/bin', '/sbin', '/lib', '/lib32', '/lib64', '/libx32'];
/** bwrap's monitor lives in the step's group too (the program is the box's pid 1 itself). */
const BWRAP_PROCESSES = 1;
const execFileAsync = promisify(execFile);
/** The oldest bwrap with `--disable-userns`. */
const MIN_BWRAP = '0.8.0';
/** At most this many spare workspaces wait, ready-mounted, for the next jobs. */
const MAX_SPARES = 4;
/** The seccomp filter, compiled once. */
const SECCOMP = compileSeccomp();

/** `<pid>.<start time in clock ticks>.<random>`: names this instance's cgroup and job folder. */
const INSTANCE_NAME = /^(\d+)\.(\d+)\.[0-9a-f]+$/;
/**
 * Groups and folders in the older flat layout (no instance) count as stale
 * once this old: no step lives that long, so none of them is still in use.
 */
const LEGACY_STALE_MS = 10 * 60 * 1000;

/** Start time of a process (field 22 of /proc/<pid>/stat), or null when it is gone. */
async function processStart(pid: number | 'self'): Promise<string | null> {
  try {
    const text = await readFile(`/proc/${pid}/stat`, 'utf8');
    return text.slice(text.lastIndexOf(')') + 2).split(' ')[19] ?? null;
  } catch {
    return null;
  }
}

/** Whether a cgroup or job folder under the shared parent belongs to no live instance. */
async function isStale(name: string, createdMs: number): Promise<boolean> {
  const match = INSTANCE_NAME.exec(name);
  if (!match) return Date.now() - createdMs > LEGACY_STALE_MS;
  return (await processStart(Number(match[1]))) !== match[2];
}

export class BubblewrapBackend implements SandboxBackend {
  readonly name = 'bubblewrap' as const;
  private ready: Promise<Ready | string> | null = null;
  private readonly versions = new Map<string, Promise<{ version: string } | null>>();
  private readonly workspaces = new WeakSet<Workspace>();
  /** Workspaces made ahead (nothing of any job in them yet), and whether more are being made. */
  private readonly spares: BoxWorkspace[] = [];
  private filling = false;
  /** Jobs between `prepare` and `dispose`, now and at most: how many spares to keep. */
  private open = 0;
  private peakOpen = 0;
  /** Host work no result waits for, one piece after the other; `close` waits for it. */
  private background: Promise<void> = Promise.resolve();
  private closed = false;
  private steps = 0;
  /** What the start-up sweep removed: stale cgroups and job folders of dead instances. */
  swept = { cgroups: 0, jobFolders: 0 };

  constructor(private readonly options: BubblewrapOptions = {}) {}

  async unavailableReason(): Promise<string | null> {
    const ready = await this.setUp();
    return typeof ready === 'string' ? ready : null;
  }

  supports(language: LanguageSpec): Promise<{ version: string } | null> {
    let probe = this.versions.get(language.id);
    if (!probe) {
      probe = this.probeVersion(language);
      this.versions.set(language.id, probe);
    }
    return probe;
  }

  async prepare(files: SourceFile[]): Promise<Workspace> {
    const ready = await this.requireReady();
    this.peakOpen = Math.max(this.peakOpen, ++this.open);
    let workspace: BoxWorkspace | undefined;
    try {
      workspace = this.spares.pop() ?? (await this.makeWorkspace(ready));
      await workspace.addFiles(files);
    } catch (error) {
      this.open--;
      const unused = workspace;
      if (unused) this.later(() => unused.tearDown());
      this.refill(ready);
      throw error;
    }
    this.workspaces.add(workspace);
    return workspace;
  }

  /** A job's folders with its tmpfs and its first step's scratch mounted, and no files yet. */
  private async makeWorkspace(ready: Ready): Promise<BoxWorkspace> {
    const workspace = new BoxWorkspace(
      ready.jobsDir,
      (work) => this.later(work),
      () => {
        this.open--;
        this.refill(ready);
      },
    );
    try {
      await workspace.create([], DEFAULT_RUN_LIMITS.scratchBytes);
    } catch (error) {
      await workspace.tearDown().catch(() => undefined);
      throw error;
    }
    workspace.prepareScratch(DEFAULT_RUN_LIMITS.scratchBytes);
    return workspace;
  }

  /** Queues making spares until there are as many as jobs were open at once. */
  private refill(ready: Ready): void {
    if (this.filling || this.closed) return;
    this.filling = true;
    this.later(async () => {
      try {
        while (!this.closed && this.spares.length < Math.min(this.peakOpen, MAX_SPARES)) {
          this.spares.push(await this.makeWorkspace(ready));
        }
      } finally {
        this.filling = false;
      }
    });
  }

  /**
   * Queues host work no result waits for. It starts after the current turn
   * of the event loop, so after the result that ended a step or job is
   * posted (spawning a mount or umount holds the loop up for a moment); a
   * failure is reported.
   */
  private later(work: () => Promise<void>): void {
    this.background = this.background
      .then(() => new Promise<void>((resolve) => setImmediate(resolve)))
      .then(work)
      .catch((error: unknown) => this.options.onCleanupError?.(error));
  }

  async step(request: StepRequest): Promise<StepResult> {
    const ready = await this.requireReady();
    const workspace = request.workspace;
    if (!(workspace instanceof BoxWorkspace) || !this.workspaces.has(workspace)) {
      throw new Error('the workspace was not prepared by this backend');
    }
    await workspace.ensureScratch(request.limits.scratchBytes);
    await workspace.addFiles(request.files);
    const scratch = await workspace.mountScratch(request.limits.scratchBytes);
    // A compile step is followed by a run step: its scratch mounts meanwhile.
    if (request.writableWorkDir) workspace.prepareScratch(DEFAULT_RUN_LIMITS.scratchBytes);
    try {
      const { file, args, gate } = buildBoxCommand(
        request.language,
        request.argv,
        request.limits,
        ready.layout,
        { srcDir: workspace.srcDir, workDir: workspace.workDir, scratchDir: scratch.dir },
        request.writableWorkDir,
      );
      const cgroup = await ready.cgroups.create(`${workspace.id}-${++this.steps}`, {
        ...request.limits,
        processes: request.limits.processes + BWRAP_PROCESSES,
      });
      try {
        return await supervise({
          file,
          args,
          stdin: request.stdin,
          limits: request.limits,
          cgroup,
          seccomp: SECCOMP,
          gate,
          signal: request.signal,
        });
      } finally {
        await cgroup.remove();
      }
    } finally {
      workspace.releaseLater(scratch);
    }
  }

  /** Removes this instance's parent cgroup and jobs folder (after its jobs are done). */
  async close(): Promise<void> {
    this.closed = true;
    if (!this.ready) return;
    const ready = await this.ready;
    if (typeof ready === 'string') return;
    for (let last; last !== this.background;) await (last = this.background);
    for (const spare of this.spares.splice(0)) await spare.tearDown().catch(() => undefined);
    await ready.cgroups.close();
    await rmdir(ready.jobsDir).catch(() => undefined);
  }

  private async requireReady(): Promise<Ready> {
    const ready = await this.setUp();
    if (typeof ready === 'string') throw new Error(`bubblewrap backend unavailable: ${ready}`);
    return ready;
  }

  private setUp(): Promise<Ready | string> {
    this.ready ??= this.checkHost();
    return this.ready;
  }

  private async checkHost(): Promise<Ready | string> {
    if (process.platform !== 'linux') return 'bubblewrap needs Linux';
    for (const tool of HOST_TOOLS) {
      if (!(await isExecutable(tool))) return `${tool} is missing`;
    }
    const bwrapVersion = await versionOf(BWRAP);
    if (!bwrapVersion || compareVersions(bwrapVersion, MIN_BWRAP) < 0) {
      return `bubblewrap ${MIN_BWRAP} or newer is needed (--disable-userns); found ${bwrapVersion ?? 'none'}`;
    }
    if (process.getuid?.() !== 0) {
      return 'the bubblewrap backend must run as root to create cgroups and mount job tmpfs';
    }
    const start = await processStart('self');
    const instance = `${process.pid}.${start ?? 0}.${randomBytes(4).toString('hex')}`;
    const cgroups = await detectCgroups(instance, this.options.cgroupParent);
    if (typeof cgroups === 'string') return cgroups;
    try {
      const stateDir = this.options.stateDir ?? path.join(tmpdir(), 'tandem-sandbox');
      const { etcDir, jobsRoot, jobsDir } = await prepareStateDir(stateDir, instance);
      await this.sweep(cgroups, jobsRoot, instance);
      return { cgroups, layout: { ...(await hostLayout()), etcDir }, jobsDir };
    } catch (error) {
      return `cannot prepare the sandbox state folder: ${String(error)}`;
    }
  }

  /**
   * What a crashed instance left behind: its step groups (whose processes
   * are killed first) and its job folders (whose tmpfs mounts are detached
   * first). A failure here does not stop the backend: each leftover is tried
   * again at the next start.
   */
  private async sweep(cgroups: Cgroups, jobsRoot: string, instance: string): Promise<void> {
    const stale = (name: string, createdMs: number) =>
      name === instance ? Promise.resolve(false) : isStale(name, createdMs);
    this.swept.cgroups = await cgroups.sweep(stale).catch(() => 0);
    this.swept.jobFolders = await sweepJobFolders(jobsRoot, stale).catch(() => 0);
  }

  /** Runs the language's version command in a box: proves the toolchain really runs there. */
  private async probeVersion(language: LanguageSpec): Promise<{ version: string } | null> {
    const ready = await this.setUp();
    if (typeof ready === 'string') return null;
    for (const binary of language.requires) {
      if (!(await isExecutable(binary))) return null;
    }
    // Not through `prepare`: start-up probes are no jobs to keep spares for.
    const workspace = await this.makeWorkspace(ready);
    this.workspaces.add(workspace);
    try {
      const result = await this.step({
        language,
        argv: language.version,
        files: [],
        workspace,
        stdin: '',
        limits: { ...DEFAULT_RUN_LIMITS, memoryBytes: 512 * 1024 * 1024 },
      });
      if (result.outcome !== 'exited' || result.exitCode !== 0) return null;
      const line = `${result.stdout}\n${result.stderr}`.split('\n').find((l) => l.trim());
      return line ? { version: line.trim() } : null;
    } finally {
      await workspace.tearDown();
    }
  }
}

/** `bubblewrap 0.8.0` → `0.8.0`. */
async function versionOf(binary: string): Promise<string | null> {
  try {
    const { stdout } = await execFileAsync(binary, ['--version']);
    return /(\d+\.\d+\.\d+)/.exec(stdout)?.[1] ?? null;
  } catch {
    return null;
  }
}

function compareVersions(a: string, b: string): number {
  const [x, y] = [a, b].map((v) => v.split('.').map(Number));
  for (let i = 0; i < 3; i++) {
    const diff = (x?.[i] ?? 0) - (y?.[i] ?? 0);
    if (diff !== 0) return diff;
  }
  return 0;
}

async function isExecutable(file: string): Promise<boolean> {
  try {
    await access(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

async function hostLayout(): Promise<Omit<HostLayout, 'etcDir'>> {
  const symlinks: Record<string, string> = {};
  const dirs: string[] = [];
  for (const entry of TOP_LEVEL) {
    try {
      const stat = await lstat(entry);
      if (stat.isSymbolicLink()) symlinks[entry] = await readlink(entry);
      else if (stat.isDirectory()) dirs.push(entry);
    } catch {
      // Not on this host.
    }
  }
  return { symlinks, dirs };
}
