/** Small helpers for reading and writing cgroupfs control files. */
import { access, readFile, readdir, rmdir, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Limits } from '../types.js';

/** Limits for the group created once at start-up to prove the hierarchy is writable. */
export const PROBE_LIMITS: Readonly<Limits> = Object.freeze({
  cpuMs: 1000,
  wallMs: 1000,
  memoryBytes: 64 * 1024 * 1024,
  processes: 8,
  outputBytes: 1024,
  fileSizeBytes: 1024,
  scratchBytes: 1024 * 1024,
  openFiles: 16,
});

/** Writes a number or string to a cgroup control file. */
export async function writeControl(file: string, value: string | number): Promise<void> {
  await writeFile(file, String(value));
}

export async function readControl(file: string): Promise<string> {
  return readFile(file, 'utf8');
}

/** The pids in a `cgroup.procs` file. */
export async function readPids(file: string): Promise<number[]> {
  try {
    return (await readControl(file))
      .split('\n')
      .filter(Boolean)
      .map((line) => Number(line));
  } catch {
    return [];
  }
}

export function killPids(pids: number[]): void {
  for (const pid of pids) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // Already gone.
    }
  }
}

/** Parses `key value` lines (memory.events, cpu.stat, memory.oom_control). */
export function parseKeyValues(text: string): Map<string, number> {
  const values = new Map<string, number>();
  for (const line of text.split('\n')) {
    const [key, value] = line.trim().split(/\s+/);
    if (key && value !== undefined) values.set(key, Number(value));
  }
  return values;
}

/** How long a kill sweep may take before it gives up (a task stuck in the kernel). */
export const KILL_TIMEOUT_MS = 10_000;

/** Throws once a kill sweep that started at `started` has run out of time. */
export function checkKillDeadline(started: number, dir: string, pids: number[]): void {
  if (performance.now() - started > KILL_TIMEOUT_MS) {
    throw new Error(`cgroup ${dir} still holds ${pids.join(' ')} after ${KILL_TIMEOUT_MS} ms`);
  }
}

export const delay = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** rmdir a cgroup, retrying briefly: the kernel frees it a moment after its last process dies. */
export async function removeGroupDir(dir: string): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    try {
      await rmdir(dir);
      return;
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') return;
      if (code !== 'EBUSY' || attempt >= 50) throw error;
      await delay(10);
    }
  }
}

export async function exists(file: string): Promise<boolean> {
  try {
    await access(file);
    return true;
  } catch {
    return false;
  }
}

/** The child groups of a cgroup folder, with when each was created (ms since the epoch). */
export async function subgroups(dir: string): Promise<Map<string, number>> {
  const found = new Map<string, number>();
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch {
    return found;
  }
  for (const entry of entries) {
    if (!entry.isDirectory()) continue;
    try {
      found.set(entry.name, (await stat(path.join(dir, entry.name))).mtimeMs);
    } catch {
      // Removed meanwhile.
    }
  }
  return found;
}
