/**
 * The start-up sweep: what a crashed instance left behind (a step group with
 * a process still in it, a job folder with its tmpfs still mounted) is gone
 * once a new backend starts; a live instance's leftovers are not touched.
 */
import { execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, rmdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { BubblewrapBackend } from './backend.js';
import { cgroupMounts } from './cgroup.js';

const run = promisify(execFile);
const usable = process.platform === 'linux' && process.getuid?.() === 0;

/** Where this host keeps the pids controller's groups (v1) or the unified hierarchy (v2). */
async function pidsRoot(): Promise<string> {
  const mounts = await cgroupMounts();
  const v1 = mounts.find((m) => m.type === 'cgroup' && m.controllers.includes('pids'));
  const v2 = mounts.find((m) => m.type === 'cgroup2');
  const root = v1?.path ?? v2?.path;
  if (!root) throw new Error('no cgroup hierarchy with pids');
  return root;
}

async function mounted(dir: string): Promise<boolean> {
  return (await readFile('/proc/self/mountinfo', 'utf8')).split('\n').some((line) => {
    return line.split(' ')[4] === dir;
  });
}

/** Alive and not a zombie. */
function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

describe.skipIf(!usable)('bubblewrap backend start-up sweep', () => {
  const parent = `tandem-sweep-test-${randomBytes(3).toString('hex')}`;
  let stateDir = '';
  const cleanups: (() => Promise<unknown>)[] = [];

  afterAll(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
  });

  it('kills and removes a dead instance’s groups and folders, keeps a live one’s', async () => {
    stateDir = await mkdtemp(path.join(tmpdir(), 'tandem-sweep-'));
    cleanups.push(() => rm(stateDir, { recursive: true, force: true }));
    const root = await pidsRoot();
    const v1 = root.endsWith('/pids');
    // A dead instance (no process 999999999 can exist) and a live one (this process).
    const dead = `999999999.1.${randomBytes(4).toString('hex')}`;
    const selfStart = (await readFile('/proc/self/stat', 'utf8')).split(') ')[1]?.split(' ')[19];
    const live = `${process.pid}.${selfStart}.${randomBytes(4).toString('hex')}`;

    // cgroups: the dead instance's step group holds a process.
    const mounts = await cgroupMounts();
    const hierarchies = v1
      ? mounts.filter((m) => m.type === 'cgroup' && m.controllers.includes('pids'))
      : mounts.filter((m) => m.type === 'cgroup2');
    const deadStep = path.join(hierarchies[0]?.path as string, parent, dead, 'step-1');
    const liveStep = path.join(hierarchies[0]?.path as string, parent, live, 'step-1');
    for (const dir of [deadStep, liveStep]) await mkdir(dir, { recursive: true });
    cleanups.push(async () => {
      await rmdir(liveStep).catch(() => undefined);
      await rmdir(path.dirname(liveStep)).catch(() => undefined);
      // The shared parent, in every hierarchy the backend created it in.
      for (const mount of mounts) {
        await rmdir(path.join(mount.path, parent)).catch(() => undefined);
      }
    });
    const sleeper = spawn('sleep', ['60'], { stdio: 'ignore' });
    cleanups.push(async () => sleeper.kill('SIGKILL'));
    await writeFile(path.join(deadStep, 'cgroup.procs'), String(sleeper.pid));

    // Job folders: the dead instance's job has its tmpfs still mounted.
    const deadBox = path.join(stateDir, 'jobs', dead, 'job-1', 'box');
    const liveBox = path.join(stateDir, 'jobs', live, 'job-1', 'box');
    for (const dir of [deadBox, liveBox]) await mkdir(dir, { recursive: true });
    await run('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tandem-sweep-test', deadBox]);
    cleanups.push(() => run('umount', ['--lazy', deadBox]));

    const backend = new BubblewrapBackend({ stateDir, cgroupParent: parent });
    cleanups.push(() => backend.close());
    expect(await backend.unavailableReason()).toBeNull();

    expect(alive(sleeper.pid as number), 'the dead instance’s process').toBe(false);
    expect(existsSync(path.dirname(deadStep)), 'the dead instance’s group').toBe(false);
    expect(await mounted(deadBox), 'the dead instance’s tmpfs').toBe(false);
    expect(existsSync(path.join(stateDir, 'jobs', dead)), 'the dead instance’s folder').toBe(false);
    expect(existsSync(liveStep), 'the live instance’s group').toBe(true);
    expect(existsSync(liveBox), 'the live instance’s folder').toBe(true);
    expect(backend.swept.cgroups).toBeGreaterThanOrEqual(1);
    expect(backend.swept.jobFolders).toBe(1);
  });
});
