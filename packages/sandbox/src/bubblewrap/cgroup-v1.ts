/**
 * cgroup v1: one folder per controller hierarchy (memory, pids, cpuacct,
 * cpu, freezer), all named `<parent>/<instance>/<step id>`.
 *
 * Killing: SIGKILL every member; if some remain (a fork bomb racing the
 * sweep), freeze the group so nothing can fork or exit mid-sweep, SIGKILL
 * every member, thaw so the signals are delivered, repeat until empty. Without
 * a freezer hierarchy the sweep is simply repeated; the pids limit bounds how
 * many processes can appear between two sweeps.
 */
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { Limits } from '../types.js';
import type { CgroupMount, CgroupUsage, Cgroups, StepCgroup } from './cgroup.js';
import {
  PROBE_LIMITS,
  checkKillDeadline,
  delay,
  exists,
  killPids,
  parseKeyValues,
  readControl,
  readPids,
  removeGroupDir,
  subgroups,
  writeControl,
} from './cgroup-files.js';

const REQUIRED = ['memory', 'pids', 'cpuacct'] as const;
const OPTIONAL = ['cpu', 'freezer'] as const;
type Controller = (typeof REQUIRED)[number] | (typeof OPTIONAL)[number];

/** Lower than the default 1024: the server's event loop wins over sandboxed code. */
const CPU_SHARES = 256;

export async function detectCgroupV1(
  mounts: CgroupMount[],
  parentName: string,
  instance: string,
): Promise<Cgroups | string> {
  const shared = new Map<Controller, string>();
  for (const controller of [...REQUIRED, ...OPTIONAL]) {
    const mount = mounts.find((m) => m.type === 'cgroup' && m.controllers.includes(controller));
    if (mount) shared.set(controller, path.join(mount.path, parentName));
  }
  const missing = REQUIRED.filter((controller) => !shared.has(controller));
  if (missing.length > 0) return `cgroup v1: no ${missing.join(', ')} hierarchy mounted`;
  try {
    const cgroups = new CgroupsV1(shared, instance);
    await cgroups.open();
    const probe = await cgroups.create(`probe-${process.pid}`, PROBE_LIMITS);
    await probe.usage();
    await probe.remove();
    return cgroups;
  } catch (error) {
    return `cgroup v1: cannot create and limit a group under ${parentName}: ${String(error)}`;
  }
}

class CgroupsV1 implements Cgroups {
  readonly version = 1 as const;
  /** This instance's parent group in each hierarchy: `<shared>/<instance>`. */
  private readonly roots = new Map<Controller, string>();

  constructor(
    /** The parent shared by all instances in each hierarchy, e.g. `/sys/fs/cgroup/pids/tandem`. */
    private readonly shared: Map<Controller, string>,
    private readonly instance: string,
  ) {
    for (const [controller, dir] of shared) this.roots.set(controller, path.join(dir, instance));
  }

  async open(): Promise<void> {
    for (const dir of new Set(this.roots.values())) await mkdir(dir, { recursive: true });
  }

  async create(id: string, limits: Limits): Promise<StepCgroup> {
    const dirs = new Map<Controller, string>();
    for (const [controller, root] of this.roots) dirs.set(controller, path.join(root, id));
    const unique = [...new Set(dirs.values())];
    // The hierarchies are independent: one file-system round trip for all of them.
    const made = await Promise.allSettled(unique.map((dir) => mkdir(dir)));
    const group = new StepCgroupV1(dirs, unique);
    try {
      for (const result of made) if (result.status === 'rejected') throw result.reason;
      const memory = dirs.get('memory') as string;
      const memsw = path.join(memory, 'memory.memsw.limit_in_bytes');
      const cpu = dirs.get('cpu');
      await Promise.all([
        (async () => {
          // memsw must stay at or above the plain limit: set the plain one first.
          await writeControl(path.join(memory, 'memory.limit_in_bytes'), limits.memoryBytes);
          if (await exists(memsw)) await writeControl(memsw, limits.memoryBytes);
        })(),
        writeControl(path.join(dirs.get('pids') as string, 'pids.max'), limits.processes),
        cpu ? writeControl(path.join(cpu, 'cpu.shares'), CPU_SHARES) : undefined,
      ]);
    } catch (error) {
      await group.remove();
      throw error;
    }
    return group;
  }

  async sweep(isStale: (name: string, createdMs: number) => Promise<boolean>): Promise<number> {
    const found = new Map<string, number>();
    for (const dir of new Set(this.shared.values())) {
      for (const [name, createdMs] of await subgroups(dir)) {
        found.set(name, Math.min(createdMs, found.get(name) ?? Infinity));
      }
    }
    let removed = 0;
    for (const [name, createdMs] of found) {
      if (name === this.instance || !(await isStale(name, createdMs))) continue;
      await this.removeTree(name);
      removed++;
    }
    return removed;
  }

  /** Kills and removes a group of the shared parent and everything below it, leaves first. */
  private async removeTree(relative: string): Promise<void> {
    const children = new Set<string>();
    const dirs = new Map<Controller, string>();
    for (const [controller, shared] of this.shared) {
      const dir = path.join(shared, relative);
      if (!(await exists(dir))) continue;
      dirs.set(controller, dir);
      for (const name of (await subgroups(dir)).keys()) children.add(name);
    }
    for (const child of children) await this.removeTree(path.join(relative, child));
    if (dirs.size > 0) await new StepCgroupV1(dirs, [...new Set(dirs.values())]).remove();
  }

  async close(): Promise<void> {
    for (const dir of new Set(this.roots.values()))
      await removeGroupDir(dir).catch(() => undefined);
  }
}

class StepCgroupV1 implements StepCgroup {
  private removed = false;
  constructor(
    private readonly dirs: Map<Controller, string>,
    private readonly unique: string[],
  ) {}

  private file(controller: Controller, name: string): string {
    return path.join(this.dirs.get(controller) as string, name);
  }

  /** In every hierarchy at once; resolves only when all of them hold the process. */
  async join(pid: number): Promise<void> {
    await Promise.all(this.unique.map((dir) => writeControl(path.join(dir, 'cgroup.procs'), pid)));
  }

  async usage(): Promise<CgroupUsage> {
    const [cpuNs, peak, oom, failures] = await Promise.all([
      readControl(this.file('cpuacct', 'cpuacct.usage')),
      readControl(this.file('memory', 'memory.max_usage_in_bytes')),
      readControl(this.file('memory', 'memory.oom_control')),
      readControl(this.file('memory', 'memory.failcnt')),
    ]);
    return {
      cpuMs: Number(cpuNs) / 1e6,
      peakBytes: Number(peak),
      oomKilled: (parseKeyValues(oom).get('oom_kill') ?? 0) > 0,
      hitLimit: Number(failures) > 0,
    };
  }

  async killAll(): Promise<void> {
    const procs = path.join(this.dirs.get('pids') ?? (this.unique[0] as string), 'cgroup.procs');
    const freezer = this.dirs.get('freezer');
    const started = performance.now();
    for (let sweep = 0; ; sweep++) {
      const pids = await readPids(procs);
      if (pids.length === 0) return;
      checkKillDeadline(started, procs, pids);
      // Most jobs die at the first sweep; the freezer is for those still forking.
      const freeze = freezer !== undefined && sweep > 0;
      if (freeze) await this.freeze(freezer, 'FROZEN');
      killPids(freeze ? await readPids(procs) : pids);
      if (freeze) await writeControl(path.join(freezer, 'freezer.state'), 'THAWED');
      await delay(Math.min(sweep + 1, 20));
    }
  }

  private async freeze(dir: string, state: 'FROZEN'): Promise<void> {
    const file = path.join(dir, 'freezer.state');
    await writeControl(file, state);
    for (let i = 0; i < 100; i++) {
      if ((await readControl(file)).trim() === state) return;
      await delay(1);
    }
  }

  async remove(): Promise<void> {
    if (this.removed) return;
    await this.killAll();
    await Promise.all(this.unique.map((dir) => removeGroupDir(dir)));
    this.removed = true;
  }
}
