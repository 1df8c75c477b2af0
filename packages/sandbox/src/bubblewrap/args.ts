/**
 * The box's command line, built as argv arrays (never a shell string).
 *
 * bubblewrap enforces nothing by itself: the isolation is exactly what these
 * arguments say. Every namespace is unshared (network included), every
 * capability dropped, the environment cleared and rebuilt from an allowlist,
 * and only the base system plus the language's own folders are visible,
 * read-only. The only writable places are the job's work dir (a size-limited
 * tmpfs the host mounted for this job) and the step's own `/tmp` and
 * `/dev/shm` (on a size- and inode-limited tmpfs the host mounted for this
 * step). On top of that: a seccomp filter (see `seccomp.ts`), no further user
 * namespaces, and the program runs as the sandbox's pid 1 itself, so no
 * process of bwrap's is in the box's view (nothing to ptrace or read memory
 * of) and the whole namespace dies with it.
 */
import { SOURCE_DIR, WORK_DIR } from '../languages.js';
import type { LanguageSpec, Limits } from '../types.js';

export const BWRAP = '/usr/bin/bwrap';
export const PRLIMIT = '/usr/bin/prlimit';
export const SETPRIV = '/usr/bin/setpriv';
/** The box's user: `nobody`, both inside the box and on the host. */
export const BOX_UID = 65534;
export const BOX_GID = 65534;
/** In the child: the pipe bwrap blocks on until the host has placed it in its cgroup. */
export const BLOCK_FD = 3;
/** In the child: where bwrap reports the pid of the sandbox's first process. */
export const INFO_FD = 4;
/** In the child: the pipe the compiled seccomp filter is read from. */
export const SECCOMP_FD = 5;
/**
 * In the child: the pipe bwrap reads the job's own mounts from (`--args`).
 * bwrap reads it while parsing its arguments, before it creates any process,
 * so the host can first move bwrap into the step's cgroup: every process of
 * the box is then born inside the group. Without the mounts (the host died
 * before sending them) there is no `/box` to change into and bwrap fails.
 */
export const GATE_FD = 6;
/** Stack rlimit: deep recursion ends in SIGSEGV well before the memory limit. */
export const STACK_BYTES = 64 * 1024 * 1024;

/** How the host's root looks: on merged-/usr systems `/bin`, `/lib`, ... are symlinks. */
export interface HostLayout {
  /** Top-level entries that are symlinks into /usr, e.g. `{ '/bin': 'usr/bin' }`. */
  symlinks: Record<string, string>;
  /** Top-level system folders that are real folders and must be bound read-only. */
  dirs: string[];
  /** Host folder holding the box's own `passwd` and `group` (never the host's). */
  etcDir: string;
}

export interface BoxPaths {
  /** Host folder with the job's sources; bound read-only at `/src`. */
  srcDir: string;
  /** Host mount point of the job's tmpfs; bound read-write at `/box`. */
  workDir: string;
  /** Host folder of the step's scratch tmpfs, with `tmp/` and `shm/` in it. */
  scratchDir: string;
}

/** Host files from /etc a toolchain may need; everything else of /etc stays hidden. */
const HOST_ETC = ['/etc/ld.so.cache', '/etc/alternatives'];

const BASE_ENV: Readonly<Record<string, string>> = {
  PATH: '/usr/local/bin:/usr/bin:/bin',
  HOME: '/tmp',
  LANG: 'C.UTF-8',
  LC_ALL: 'C.UTF-8',
  TMPDIR: '/tmp',
};

/** The environment inside the box: the base allowlist plus the language's own. */
export function boxEnvironment(language: LanguageSpec): Record<string, string> {
  return { ...BASE_ENV, ...language.env };
}

/**
 * Arguments for bwrap (without the binary). The program's argv follows `--`,
 * so nothing in it is ever parsed as a bwrap option.
 */
export function buildBwrapArgs(
  language: LanguageSpec,
  argv: readonly string[],
  limits: Limits,
  layout: HostLayout,
  paths: BoxPaths,
  writableWorkDir = false,
  /** Read the job's mounts from `GATE_FD` instead of the command line. */
  gated = false,
): string[] {
  const args: string[] = [
    '--unshare-all',
    '--unshare-user',
    '--disable-userns',
    '--as-pid-1',
    '--die-with-parent',
    '--new-session',
    '--cap-drop',
    'ALL',
    '--uid',
    String(BOX_UID),
    '--gid',
    String(BOX_GID),
    '--hostname',
    'box',
    '--clearenv',
  ];
  for (const [name, value] of Object.entries(boxEnvironment(language))) {
    args.push('--setenv', name, value);
  }
  args.push('--ro-bind', '/usr', '/usr');
  for (const [link, target] of Object.entries(layout.symlinks)) {
    args.push('--symlink', target, link);
  }
  for (const dir of layout.dirs) {
    args.push('--ro-bind', dir, dir);
  }
  args.push(
    '--dir',
    '/etc',
    '--ro-bind',
    `${layout.etcDir}/passwd`,
    '/etc/passwd',
    '--ro-bind',
    `${layout.etcDir}/group`,
    '/etc/group',
  );
  for (const file of HOST_ETC) {
    args.push('--ro-bind-try', file, file);
  }
  for (const mount of language.mounts ?? []) {
    if (typeof mount === 'string') args.push('--ro-bind', mount, mount);
    else args.push('--ro-bind', mount.source, mount.target);
  }
  args.push(
    '--proc',
    '/proc',
    '--dev',
    '/dev',
    ...(gated ? ['--args', String(GATE_FD)] : jobMountArgs(paths, writableWorkDir)),
    '--remount-ro',
    '/',
    '--chdir',
    WORK_DIR,
    '--block-fd',
    String(BLOCK_FD),
    '--info-fd',
    String(INFO_FD),
    '--seccomp',
    String(SECCOMP_FD),
    '--',
    ...argv,
  );
  return args;
}

/** The job's own mounts: the step's scratch at /tmp and /dev/shm, the sources, the work dir. */
export function jobMountArgs(paths: BoxPaths, writableWorkDir: boolean): string[] {
  return [
    '--bind',
    `${paths.scratchDir}/shm`,
    '/dev/shm',
    '--bind',
    `${paths.scratchDir}/tmp`,
    '/tmp',
    '--ro-bind',
    paths.srcDir,
    SOURCE_DIR,
    writableWorkDir ? '--bind' : '--ro-bind',
    paths.workDir,
    WORK_DIR,
  ];
}

/**
 * rlimits are per process, so they are only a backstop behind the cgroup:
 * file size, open files, no core dumps, a CPU ceiling just above the limit
 * the supervisor enforces, and a stack big enough for deep recursion yet well
 * below the memory limit, so unbounded recursion is a SIGSEGV (runtime error)
 * rather than a memory verdict. The JVM and Go size their threads' stacks
 * themselves (`-Xss`, goroutine stacks), independent of this.
 */
export function buildPrlimitArgs(limits: Limits): string[] {
  const cpuSeconds = Math.ceil(limits.cpuMs / 1000) + 1;
  const pair = (value: number | string) => `${value}:${value}`;
  return [
    `--fsize=${pair(limits.fileSizeBytes)}`,
    `--nofile=${pair(limits.openFiles)}`,
    `--core=${pair(0)}`,
    `--stack=${pair(STACK_BYTES)}`,
    `--cpu=${pair(cpuSeconds)}`,
    `--msgqueue=${pair(0)}`,
    `--memlock=${pair(64 * 1024)}`,
  ];
}

/**
 * The full command, still no shell: setpriv arms a parent-death signal (if
 * the server dies, bwrap's monitor dies with it, and the box with the
 * monitor through `--die-with-parent`), prlimit sets the rlimits, then both
 * exec onward into bwrap: one process on the host. `gate` is what the host
 * writes on `GATE_FD` once that process is in the step's cgroup.
 */
export function buildBoxCommand(
  language: LanguageSpec,
  argv: readonly string[],
  limits: Limits,
  layout: HostLayout,
  paths: BoxPaths,
  writableWorkDir = false,
): { file: string; args: string[]; gate: Buffer } {
  const gate = jobMountArgs(paths, writableWorkDir).map((arg) => `${arg}\0`);
  return {
    gate: Buffer.from(gate.join(''), 'utf8'),
    file: SETPRIV,
    args: [
      '--pdeathsig',
      'KILL',
      '--',
      PRLIMIT,
      ...buildPrlimitArgs(limits),
      '--',
      BWRAP,
      ...buildBwrapArgs(language, argv, limits, layout, paths, writableWorkDir, true),
    ],
  };
}
