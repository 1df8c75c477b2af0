/**
 * Per-step cgroups: the only thing that caps a whole submission (memory,
 * processes, CPU) and the only reliable way to end a double-forked daemon.
 * Each backend instance has its own parent group, `tandem/<instance id>`,
 * and each step its own group below it; the host kills every process in a
 * step's group at the end and removes it. At start-up, the groups of
 * instances whose process is gone (a crashed server) are killed and removed.
 *
 * The files touched here live in cgroupfs, which the box never mounts: the
 * untrusted code cannot plant links in them.
 */
import { readFile } from 'node:fs/promises';
import type { Limits } from '../types.js';
import { detectCgroupV1 } from './cgroup-v1.js';
import { detectCgroupV2 } from './cgroup-v2.js';

export interface CgroupUsage {
  cpuMs: number;
  /** Peak memory of the group so far. */
  peakBytes: number;
  /** The kernel's OOM killer ended a process of the group. */
  oomKilled: boolean;
  /** The group's memory use reached its limit at least once (reclaim or OOM followed). */
  hitLimit: boolean;
}

export interface StepCgroup {
  /** Moves a process (all its threads) into the group. */
  join(pid: number): Promise<void>;
  usage(): Promise<CgroupUsage>;
  /** Kills every process in the group and waits until it is empty. */
  killAll(): Promise<void>;
  /** Kills what is left, then removes the group. Safe to call twice. */
  remove(): Promise<void>;
}

export interface Cgroups {
  readonly version: 1 | 2;
  /** Creates a group with the step's memory, process and CPU-weight limits applied. */
  create(id: string, limits: Limits): Promise<StepCgroup>;
  /**
   * Kills the members of, and removes, every group under the shared parent
   * that `isStale` names (groups of dead instances). Returns how many went.
   */
  sweep(isStale: (name: string, createdMs: number) => Promise<boolean>): Promise<number>;
  /** Removes this instance's parent group (its step groups must be gone). */
  close(): Promise<void>;
}

export interface CgroupMount {
  type: 'cgroup' | 'cgroup2';
  path: string;
  /** v1: the controllers mounted there (from the mount options). */
  controllers: string[];
}

/** Reads the cgroup mounts of this process's mount namespace. */
export async function cgroupMounts(): Promise<CgroupMount[]> {
  const text = await readFile('/proc/self/mountinfo', 'utf8');
  const mounts: CgroupMount[] = [];
  for (const line of text.split('\n')) {
    const [left, right] = line.split(' - ');
    if (!left || !right) continue;
    const mountPoint = unescapeMountPath(left.split(' ')[4] ?? '');
    const [type, , superOptions = ''] = right.split(' ');
    if (type === 'cgroup' || type === 'cgroup2') {
      mounts.push({ type, path: mountPoint, controllers: superOptions.split(',') });
    }
  }
  return mounts;
}

export function unescapeMountPath(raw: string): string {
  return raw.replace(/\\([0-7]{3})/g, (_, octal: string) =>
    String.fromCharCode(parseInt(octal, 8)),
  );
}

/**
 * Finds a cgroup hierarchy where the memory, pids and CPU accounting
 * controllers can be written, preferring v2 when it has them, and creates
 * `<parentName>/<instance>` there. Returns the reason when there is none:
 * the caller must then refuse to run.
 */
export async function detectCgroups(
  instance: string,
  parentName = 'tandem',
): Promise<Cgroups | string> {
  let mounts: CgroupMount[];
  try {
    mounts = await cgroupMounts();
  } catch (error) {
    return `cannot read /proc/self/mountinfo: ${String(error)}`;
  }
  const reasons: string[] = [];
  for (const detect of [detectCgroupV2, detectCgroupV1]) {
    const result = await detect(mounts, parentName, instance);
    if (typeof result !== 'string') return result;
    reasons.push(result);
  }
  return `no usable cgroup hierarchy (${reasons.join('; ')})`;
}
