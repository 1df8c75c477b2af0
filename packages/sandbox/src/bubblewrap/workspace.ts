/**
 * A job's folders on the host, and why the host can trust them.
 *
 * The worst sandbox escapes (Judge0's CVE-2024-28185 and -28189, Compiler
 * Explorer's output-file read) came from the host opening, writing or chowning
 * a path inside a folder the untrusted code could write to: the program had
 * planted a symlink there. So each job has two folders, with opposite rules:
 *
 * - `src/`: owned by root (0755, files 0644), written only by the host, bound
 *   READ-ONLY at `/src` in every step. The box can never change anything here,
 *   so the host may write into it at any time. Files are created with
 *   `O_CREAT|O_EXCL` ('wx'), which never follows a link either way.
 * - `box/`: the mount point of a tmpfs mounted for this job (size-limited,
 *   nosuid, nodev, owned by the box's uid, 0700), bound READ-WRITE at `/box`.
 *   It carries a compile step's output to the run steps of the same job. The
 *   host NEVER opens, reads, lists, chowns or copies anything inside it:
 *   program output reaches the host only through pipes. At the end the host
 *   detaches the mount (`umount --lazy` on the mount point, whose parent the
 *   box cannot write) and only then removes the now-empty mount point.
 *
 * - `scratch-<n>/`: the mount point of a fresh tmpfs for step n only
 *   (size- and inode-limited, nosuid, nodev), holding the `tmp/` and `shm/`
 *   folders the host creates before the step starts and binds at `/tmp` and
 *   `/dev/shm`. Detached the same way as `box/` when the step ends, so the
 *   next step finds nothing. (bwrap's own `--tmpfs` cannot limit inodes: a
 *   million empty files would be refused only by the memory limit.)
 *
 * Mounting and detaching are host work the program does not wait for: the
 * backend keeps spare workspaces (folders made, tmpfs mounted, the first
 * step's scratch mounted, nothing of any job in them), mounts the next
 * step's scratch while a compile step runs, and detaches what a step or job
 * leaves behind after its result is out. None of this changes what a box
 * sees: every step still gets a scratch tmpfs no other step had, and every
 * job a work tmpfs no other job had.
 *
 * Both live under `<root>/jobs/<instance>/<id>/` (root-owned, 0711), so the
 * box's uid can reach them by path for the bind mounts but cannot list or
 * change them. At start-up, the folders of dead instances are swept: their
 * mounts detached, then the folders removed.
 */
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import {
  chmod,
  mkdir,
  readdir,
  readFile,
  rm,
  rmdir,
  stat,
  unlink,
  writeFile,
} from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import type { SourceFile, Workspace } from '../types.js';
import { BOX_GID, BOX_UID } from './args.js';
import { unescapeMountPath } from './cgroup.js';

const run = promisify(execFile);
const MOUNT = '/usr/bin/mount';
const UMOUNT = '/usr/bin/umount';

/**
 * Inodes of a job's tmpfs mounts: plenty for a compiler's temporary files and
 * Go's build cache (256 folders), few enough that creating files one by one
 * is refused long before their kernel memory reaches the memory limit.
 */
export const TMPFS_INODES = 8192;

/** A plain file name: no `/`, no `..`, no NUL, no leading dot or dash, at most 128 bytes. */
const SAFE_NAME = /^[A-Za-z0-9_][A-Za-z0-9_.+-]{0,127}$/;

export function assertSafeFileName(name: string): void {
  if (!SAFE_NAME.test(name) || name.includes('..')) {
    throw new Error(`unsafe source file name: ${JSON.stringify(name.slice(0, 200))}`);
  }
}

/**
 * Creates the state folder, this instance's jobs folder, and the box's own
 * /etc/passwd and /etc/group.
 */
export async function prepareStateDir(
  root: string,
  instance: string,
): Promise<{ etcDir: string; jobsRoot: string; jobsDir: string }> {
  const etcDir = path.join(root, 'etc');
  const jobsRoot = path.join(root, 'jobs');
  const jobsDir = path.join(jobsRoot, instance);
  await mkdir(etcDir, { recursive: true });
  await mkdir(jobsDir, { recursive: true });
  await chmod(root, 0o711);
  await chmod(jobsRoot, 0o711);
  await chmod(jobsDir, 0o711);
  await chmod(etcDir, 0o755);
  const passwd = `nobody:x:${BOX_UID}:${BOX_GID}:nobody:/tmp:/usr/sbin/nologin\n`;
  await writeFile(path.join(etcDir, 'passwd'), passwd, { mode: 0o644 });
  await writeFile(path.join(etcDir, 'group'), `nogroup:x:${BOX_GID}:\n`, { mode: 0o644 });
  return { etcDir, jobsRoot, jobsDir };
}

/** Mount points at or below `dir`, deepest first. */
async function mountsUnder(dir: string): Promise<string[]> {
  const text = await readFile('/proc/self/mountinfo', 'utf8');
  const found: string[] = [];
  for (const line of text.split('\n')) {
    const point = unescapeMountPath(line.split(' ')[4] ?? '');
    if (point === dir || point.startsWith(`${dir}/`)) found.push(point);
  }
  return found.sort((a, b) => b.length - a.length);
}

/**
 * Removes the job folders of dead instances under `jobsRoot`: every mount
 * below them is detached first, and a folder that still has a mount is left
 * alone (removing it would descend into a file system the box wrote).
 * Returns how many folders went.
 */
export async function sweepJobFolders(
  jobsRoot: string,
  isStale: (name: string, createdMs: number) => Promise<boolean>,
): Promise<number> {
  let removed = 0;
  for (const entry of await readdir(jobsRoot, { withFileTypes: true })) {
    if (!entry.isDirectory()) continue;
    const dir = path.join(jobsRoot, entry.name);
    if (!(await isStale(entry.name, (await stat(dir)).mtimeMs))) continue;
    for (const point of await mountsUnder(dir)) {
      await run(UMOUNT, ['--lazy', point]).catch(() => undefined);
    }
    if ((await mountsUnder(dir)).length > 0) continue;
    await rm(dir, { recursive: true, force: true });
    removed++;
  }
  return removed;
}

/** A step's own tmpfs for `/tmp` and `/dev/shm`. */
export interface Scratch {
  /** Host folder holding `tmp/` and `shm/`. */
  dir: string;
  release(): Promise<void>;
}

export class BoxWorkspace implements Workspace {
  readonly id: string;
  readonly srcDir: string;
  readonly workDir: string;
  private readonly jobDir: string;
  private readonly names = new Set<string>();
  private scratchBytes = 0;
  private mounted = false;
  private steps = 0;
  private readonly scratches = new Set<string>();
  /** A scratch mounted ahead for the next step (see `prepareScratch`). */
  private next: { bytes: number; scratch: Promise<Scratch> } | null = null;
  private disposed = false;

  /**
   * `defer` queues host clean-up no result waits for (detaching a used
   * scratch, tearing the job down): the backend runs it in order, after the
   * result is out, and waits for it when it closes. `onDispose` tells the
   * backend the job is over.
   */
  constructor(
    jobsDir: string,
    private readonly defer: (work: () => Promise<void>) => void,
    private readonly onDispose: () => void,
  ) {
    this.id = randomUUID();
    this.jobDir = path.join(jobsDir, this.id);
    this.srcDir = path.join(this.jobDir, 'src');
    this.workDir = path.join(this.jobDir, 'box');
  }

  /** Creates the folders and mounts the job's tmpfs. */
  async create(files: readonly SourceFile[], scratchBytes: number): Promise<void> {
    await mkdir(this.jobDir, { mode: 0o711 });
    await chmod(this.jobDir, 0o711);
    await mkdir(this.srcDir, { mode: 0o755 });
    await chmod(this.srcDir, 0o755);
    await mkdir(this.workDir, { mode: 0o700 });
    await this.mount(scratchBytes);
    await this.addFiles(files);
  }

  /** Adds sources to the read-only `/src`; a name may be written once per job. */
  async addFiles(files: readonly SourceFile[]): Promise<void> {
    for (const file of files) {
      assertSafeFileName(file.name);
      if (this.names.has(file.name)) throw new Error(`duplicate source file: ${file.name}`);
      this.names.add(file.name);
      await writeFile(path.join(this.srcDir, file.name), file.content, { flag: 'wx', mode: 0o644 });
    }
  }

  /** Resizes the job's tmpfs when a step asks for a different scratch size. */
  async ensureScratch(scratchBytes: number): Promise<void> {
    if (scratchBytes !== this.scratchBytes) await this.mount(scratchBytes);
  }

  /**
   * Mounts a fresh tmpfs for one step's `/tmp` and `/dev/shm` (sharing one
   * scratch size). The host creates the two folders before any of the step's
   * processes exist, so nothing in it can be a planted link yet.
   */
  async mountScratch(scratchBytes: number): Promise<Scratch> {
    const next = this.next;
    this.next = null;
    if (next && next.bytes === scratchBytes) {
      const ready = await next.scratch.catch(() => null);
      if (ready) return ready;
    } else if (next) {
      this.releaseLater(next.scratch);
    }
    return this.mountFreshScratch(scratchBytes);
  }

  /**
   * Mounts the next step's scratch now, while something else runs (the
   * compile step, or nothing: a spare workspace). Still fresh: no step has
   * had it, and `mountScratch` hands it out once.
   */
  prepareScratch(scratchBytes: number): void {
    if (this.next || this.disposed) return;
    const scratch = this.mountFreshScratch(scratchBytes);
    scratch.catch(() => undefined); // Used or detached later; a failure mounts afresh then.
    this.next = { bytes: scratchBytes, scratch };
  }

  /** Detaches a step's scratch once the step is over, without waiting for it. */
  releaseLater(scratch: Scratch | Promise<Scratch>): void {
    this.defer(() =>
      Promise.resolve(scratch).then(
        (s) => s.release(),
        () => undefined, // It never mounted: nothing to detach.
      ),
    );
  }

  private async mountFreshScratch(scratchBytes: number): Promise<Scratch> {
    const dir = path.join(this.jobDir, `scratch-${++this.steps}`);
    await mkdir(dir, { mode: 0o700 });
    this.scratches.add(dir);
    const release = async () => {
      if (!this.scratches.delete(dir)) return;
      await run(UMOUNT, ['--lazy', dir]).catch(ignoreNotMounted);
      await rmdir(dir).catch(ignoreMissing);
    };
    try {
      const options = [
        `size=${scratchBytes}`,
        `nr_inodes=${TMPFS_INODES}`,
        'mode=0755',
        'uid=0',
        'gid=0',
        'nosuid',
        'nodev',
      ];
      await run(MOUNT, ['-t', 'tmpfs', '-o', options.join(','), 'tandem-scratch', dir]);
      for (const name of ['tmp', 'shm']) {
        await mkdir(path.join(dir, name), { mode: 0o1777 });
        await chmod(path.join(dir, name), 0o1777);
      }
    } catch (error) {
      await release();
      throw error;
    }
    return { dir, release };
  }

  private async mount(scratchBytes: number): Promise<void> {
    const options = [
      `size=${scratchBytes}`,
      `nr_inodes=${TMPFS_INODES}`,
      'mode=0700',
      `uid=${BOX_UID}`,
      `gid=${BOX_GID}`,
      'nosuid',
      'nodev',
    ];
    if (this.mounted) options.unshift('remount');
    await run(MOUNT, ['-t', 'tmpfs', '-o', options.join(','), 'tandem-job', this.workDir]);
    this.mounted = true;
    this.scratchBytes = scratchBytes;
  }

  /**
   * Called once the job's last step is over (nothing of it runs any more):
   * the folders and mounts go in the background.
   */
  dispose(): Promise<void> {
    if (!this.disposed) {
      this.disposed = true;
      this.onDispose();
      this.defer(() => this.tearDown());
    }
    return Promise.resolve();
  }

  /** Detaches every mount of the job, then removes its folders. */
  async tearDown(): Promise<void> {
    this.disposed = true;
    await this.next?.scratch.catch(() => undefined); // Mounting: wait, then detach it too.
    this.next = null;
    for (const dir of [...this.scratches]) {
      this.scratches.delete(dir);
      await run(UMOUNT, ['--lazy', dir]).catch(ignoreNotMounted);
      await rmdir(dir).catch(ignoreMissing);
    }
    if (this.mounted) {
      // If this fails the job's tmpfs stays mounted and we must not touch it by path.
      await run(UMOUNT, ['--lazy', this.workDir]);
      this.mounted = false;
    }
    await rmdir(this.workDir).catch(ignoreMissing);
    for (const name of this.names) await unlink(path.join(this.srcDir, name)).catch(ignoreMissing);
    await rmdir(this.srcDir).catch(ignoreMissing);
    await rmdir(this.jobDir).catch(ignoreMissing);
  }
}

/** umount says so when the mount point is not mounted (a failed mount): nothing to detach. */
function ignoreNotMounted(error: unknown): void {
  if (!/not mounted|no mount point/i.test(String((error as { stderr?: string }).stderr ?? ''))) {
    throw error;
  }
}

function ignoreMissing(error: unknown): void {
  if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
}
