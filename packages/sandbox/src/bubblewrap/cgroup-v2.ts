/**
 * cgroup v2: one folder per step under `<mount>/<parent>/<instance>`, with
 * the memory, pids and cpu controllers enabled for the children of both. Killing uses
 * `cgroup.kill` (Linux 5.14+), falling back to SIGKILL sweeps.
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

const CONTROLLERS = ['memory', 'pids', 'cpu'];
/** Below the default weight of 100: the server's event loop wins over sandboxed code. */
const CPU_WEIGHT = 25;

export async function detectCgroupV2(
  mounts: CgroupMount[],
  parentName: string,
  instance: string,
): Promise<Cgroups | string> {
  const mount = mounts.find((m) => m.type === 'cgroup2');
  if (!mount) return 'cgroup v2: not mounted';
  try {
    const available = (await readControl(path.join(mount.path, 'cgroup.controllers'))).split(/\s+/);
    const missing = CONTROLLERS.filter((c) => !available.includes(c));
    if (missing.length > 0) {
      return `cgroup v2 at ${mount.path}: controllers ${missing.join(', ')} not available`;
    }
    const shared = path.join(mount.path, parentName);
    const root = path.join(shared, instance);
    const enable = CONTROLLERS.map((c) => `+${c}`).join(' ');
    await writeControl(path.join(mount.path, 'cgroup.subtree_control'), enable);
    await mkdir(shared, { recursive: true });
    await writeControl(path.join(shared, 'cgroup.subtree_control'), enable);
    await mkdir(root, { recursive: true });
    await writeControl(path.join(root, 'cgroup.subtree_control'), enable);
    const cgroups = new CgroupsV2(shared, instance);
    const probe = await cgroups.create(`probe-${process.pid}`, PROBE_LIMITS);
    await probe.usage();
    await probe.remove();
    return cgroups;
  } catch (error) {
    return `cgroup v2 at ${mount.path}: cannot create and limit a group: ${String(error)}`;
  }
}

class CgroupsV2 implements Cgroups {
  readonly version = 2 as const;
  private readonly root: string;

  constructor(
    /** The parent shared by all instances, e.g. `/sys/fs/cgroup/tandem`. */
    private readonly shared: string,
    private readonly instance: string,
  ) {
    this.root = path.join(shared, instance);
  }

  async create(id: string, limits: Limits): Promise<StepCgroup> {
    const dir = path.join(this.root, id);
    await mkdir(dir);
    const group = new StepCgroupV2(dir);
    try {
      await Promise.all([
        writeControl(path.join(dir, 'memory.max'), limits.memoryBytes),
        (async () => {
          if (await exists(path.join(dir, 'memory.swap.max'))) {
            await writeControl(path.join(dir, 'memory.swap.max'), 0);
          }
        })(),
        writeControl(path.join(dir, 'pids.max'), limits.processes),
        writeControl(path.join(dir, 'cpu.weight'), CPU_WEIGHT),
      ]);
    } catch (error) {
      await group.remove();
      throw error;
    }
    return group;
  }

  async sweep(isStale: (name: string, createdMs: number) => Promise<boolean>): Promise<number> {
    let removed = 0;
    for (const [name, createdMs] of await subgroups(this.shared)) {
      if (name === this.instance || !(await isStale(name, createdMs))) continue;
      await removeTree(path.join(this.shared, name));
      removed++;
    }
    return removed;
  }

  async close(): Promise<void> {
    await removeGroupDir(this.root).catch(() => undefined);
  }
}

/** Kills and removes a group and everything below it, leaves first. */
async function removeTree(dir: string): Promise<void> {
  for (const child of (await subgroups(dir)).keys()) await removeTree(path.join(dir, child));
  await new StepCgroupV2(dir).remove();
}

class StepCgroupV2 implements StepCgroup {
  private removed = false;
  /** Kernels before 5.19 have no memory.peak: the supervisor's polls sample memory.current. */
  private sampledPeak = 0;
  constructor(private readonly dir: string) {}

  async join(pid: number): Promise<void> {
    await writeControl(path.join(this.dir, 'cgroup.procs'), pid);
  }

  async usage(): Promise<CgroupUsage> {
    const [cpu, events] = await Promise.all([
      readControl(path.join(this.dir, 'cpu.stat')),
      readControl(path.join(this.dir, 'memory.events')),
    ]);
    let peak: number;
    try {
      peak = Number(await readControl(path.join(this.dir, 'memory.peak')));
    } catch {
      const current = Number(await readControl(path.join(this.dir, 'memory.current')));
      this.sampledPeak = Math.max(this.sampledPeak, current);
      peak = this.sampledPeak;
    }
    const memoryEvents = parseKeyValues(events);
    return {
      cpuMs: (parseKeyValues(cpu).get('usage_usec') ?? 0) / 1000,
      peakBytes: peak,
      oomKilled: (memoryEvents.get('oom_kill') ?? 0) > 0,
      hitLimit: (memoryEvents.get('max') ?? 0) > 0,
    };
  }

  async killAll(): Promise<void> {
    const procs = path.join(this.dir, 'cgroup.procs');
    const started = performance.now();
    for (let sweep = 0; ; sweep++) {
      const pids = await readPids(procs);
      if (pids.length === 0) return;
      checkKillDeadline(started, procs, pids);
      try {
        await writeControl(path.join(this.dir, 'cgroup.kill'), 1);
      } catch {
        killPids(pids);
      }
      await delay(Math.min(sweep + 1, 20));
    }
  }

  async remove(): Promise<void> {
    if (this.removed) return;
    await this.killAll();
    await removeGroupDir(this.dir);
    this.removed = true;
  }
}
