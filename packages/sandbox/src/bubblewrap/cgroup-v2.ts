/**
 * cgroup v2: one folder per step under `<mount>/<parent>`, with the memory,
 * pids and cpu controllers enabled for the parent's children. Killing uses
 * `cgroup.kill` (Linux 5.14+), falling back to SIGKILL sweeps.
 */
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { Limits } from '../types.js';
import type { CgroupMount, CgroupUsage, Cgroups, StepCgroup } from './cgroup.js';
import {
  PROBE_LIMITS,
  delay,
  exists,
  killPids,
  parseKeyValues,
  readControl,
  readPids,
  removeGroupDir,
  writeControl,
} from './cgroup-files.js';

const CONTROLLERS = ['memory', 'pids', 'cpu'];
/** Below the default weight of 100: the server's event loop wins over sandboxed code. */
const CPU_WEIGHT = 25;

export async function detectCgroupV2(
  mounts: CgroupMount[],
  parentName: string,
): Promise<Cgroups | string> {
  const mount = mounts.find((m) => m.type === 'cgroup2');
  if (!mount) return 'cgroup v2: not mounted';
  try {
    const available = (await readControl(path.join(mount.path, 'cgroup.controllers'))).split(/\s+/);
    const missing = CONTROLLERS.filter((c) => !available.includes(c));
    if (missing.length > 0) {
      return `cgroup v2 at ${mount.path}: controllers ${missing.join(', ')} not available`;
    }
    const parent = path.join(mount.path, parentName);
    const enable = CONTROLLERS.map((c) => `+${c}`).join(' ');
    await writeControl(path.join(mount.path, 'cgroup.subtree_control'), enable);
    await mkdir(parent, { recursive: true });
    await writeControl(path.join(parent, 'cgroup.subtree_control'), enable);
    const cgroups = new CgroupsV2(parent);
    const probe = await cgroups.create(`probe-${process.pid}`, PROBE_LIMITS);
    await probe.usage();
    await probe.remove();
    return cgroups;
  } catch (error) {
    return `cgroup v2 at ${mount.path}: cannot create and limit a group: ${String(error)}`;
  }
}

class CgroupsV2 {
  readonly version = 2 as const;
  constructor(private readonly parent: string) {}

  async create(id: string, limits: Limits): Promise<StepCgroup> {
    const dir = path.join(this.parent, id);
    await mkdir(dir);
    const group = new StepCgroupV2(dir);
    try {
      await writeControl(path.join(dir, 'memory.max'), limits.memoryBytes);
      if (await exists(path.join(dir, 'memory.swap.max'))) {
        await writeControl(path.join(dir, 'memory.swap.max'), 0);
      }
      await writeControl(path.join(dir, 'pids.max'), limits.processes);
      await writeControl(path.join(dir, 'cpu.weight'), CPU_WEIGHT);
    } catch (error) {
      await group.remove();
      throw error;
    }
    return group;
  }
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
    for (let sweep = 0; ; sweep++) {
      const pids = await readPids(procs);
      if (pids.length === 0) return;
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
