/**
 * The floor and the ceiling of the execution benchmarks: the sandbox's own
 * bubblewrap command (built with its args builder, so the namespaces, mounts,
 * environment and rlimits are exactly the sandbox's), spawned straight from
 * this process. No server, no queue, no worker process, no cgroup, no per-job
 * tmpfs: what is left is the price of bubblewrap and the program itself.
 *
 * Differences from the sandbox, on purpose: `--block-fd`/`--info-fd` are
 * dropped (they only hold the box until the host has placed it in its
 * cgroup), the work dir and the scratch dirs are plain folders owned by the
 * box's user made once per slot (the sandbox mounts a tmpfs per job and per
 * step), and the CPU limit is enforced by RLIMIT_CPU set to the sandbox's
 * CPU limit instead of cgroup polling. When the sandbox's argv reads a
 * seccomp filter from a descriptor, the sandbox's own compiled filter is fed
 * to it here too; when it reads the job's mounts from a descriptor
 * (`--args`), they are put on the command line instead.
 */
import { spawn } from 'node:child_process';
import {
  chmodSync,
  chownSync,
  closeSync,
  openSync,
  lstatSync,
  mkdirSync,
  readlinkSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import {
  DEFAULT_COMPILE_LIMITS,
  DEFAULT_RUN_LIMITS,
  findLanguage,
  type LanguageSpec,
  type Limits,
} from '@tandem/sandbox';
import {
  BLOCK_FD,
  BOX_GID,
  BOX_UID,
  INFO_FD,
  buildBoxCommand,
  type BoxPaths,
  type HostLayout,
} from '../../../packages/sandbox/dist/bubblewrap/args.js';
import { tempDir } from './common.js';
import type { BenchProgram } from './programs.js';

const TOP_LEVEL = ['/bin', '/sbin', '/lib', '/lib32', '/lib64', '/libx32'];

/** The same layout probe as the sandbox's backend. */
function hostLayout(etcDir: string): HostLayout {
  const symlinks: Record<string, string> = {};
  const dirs: string[] = [];
  for (const entry of TOP_LEVEL) {
    try {
      const stat = lstatSync(entry);
      if (stat.isSymbolicLink()) symlinks[entry] = readlinkSync(entry);
      else if (stat.isDirectory()) dirs.push(entry);
    } catch {
      // Not on this host.
    }
  }
  return { symlinks, dirs, etcDir };
}

/** Drops the cgroup handshake options (the first of each): nothing waits on those pipes here. */
function withoutHandshake(args: string[]): string[] {
  const out = [...args];
  for (const [flag, fd] of [
    ['--block-fd', BLOCK_FD],
    ['--info-fd', INFO_FD],
  ] as const) {
    const at = out.findIndex((a, i) => a === flag && out[i + 1] === String(fd));
    if (at < 0) throw new Error(`the sandbox's bwrap argv no longer has ${flag} ${fd}`);
    out.splice(at, 2);
  }
  return out;
}

/** The sandbox's compiled seccomp filter, when its build has one. */
async function seccompFilter(): Promise<Buffer | undefined> {
  const module = '../../../packages/sandbox/dist/bubblewrap/seccomp.js';
  try {
    const m = (await import(module)) as { compileSeccomp?: () => Buffer };
    return m.compileSeccomp?.();
  } catch {
    return undefined;
  }
}

interface Command {
  file: string;
  args: string[];
  /** Descriptor bwrap reads the seccomp filter from, if any. */
  seccompFd?: number;
}

interface StepOutcome {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

function spawnStep(
  cmd: Command,
  seccompFile: string | undefined,
  wallMs: number,
): Promise<StepOutcome> {
  return new Promise((resolve, reject) => {
    // The filter is handed over as a file opened for this spawn only.
    const filter = cmd.seccompFd === undefined ? undefined : openSync(seccompFile!, 'r');
    const stdio: ('pipe' | 'ignore' | number)[] = ['pipe', 'pipe', 'pipe'];
    if (cmd.seccompFd !== undefined) {
      while (stdio.length < cmd.seccompFd) stdio.push('ignore');
      stdio[cmd.seccompFd] = filter!;
    }
    const child = spawn(cmd.file, cmd.args, {
      uid: BOX_UID,
      gid: BOX_GID,
      cwd: '/',
      env: { PATH: '/usr/bin:/bin' },
      stdio,
    });
    if (filter !== undefined) closeSync(filter);
    const [stdin, out, err] = [child.stdin!, child.stdout!, child.stderr!];
    let stdout = '';
    let stderr = '';
    out.on('data', (chunk: Buffer) => {
      if (stdout.length < 65536) stdout += chunk.toString('utf8');
    });
    err.on('data', (chunk: Buffer) => {
      stderr = (stderr + chunk.toString('utf8')).slice(-400);
    });
    stdin.on('error', () => undefined);
    stdin.end();
    const wall = setTimeout(() => child.kill('SIGKILL'), wallMs);
    child.once('error', (err) => {
      clearTimeout(wall);
      reject(err);
    });
    child.once('close', (code, signal) => {
      clearTimeout(wall);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

export class BareBox {
  private readonly layout: HostLayout;
  private readonly srcDirs = new Map<string, string>();
  private readonly workDirs: string[] = [];
  private readonly scratchDirs: string[] = [];
  private seccompFile: string | undefined;

  private constructor(private readonly root: { path: string; dispose(): void }) {
    chmodSync(root.path, 0o711);
    const etcDir = join(root.path, 'etc');
    mkdirSync(etcDir, { mode: 0o755 });
    writeFileSync(
      join(etcDir, 'passwd'),
      `nobody:x:${BOX_UID}:${BOX_GID}:nobody:/tmp:/usr/sbin/nologin\n`,
    );
    writeFileSync(join(etcDir, 'group'), `nogroup:x:${BOX_GID}:\n`);
    this.layout = hostLayout(etcDir);
  }

  /** A box root with a work dir for each of `slots` concurrent runs. */
  static async create(slots: number): Promise<BareBox> {
    const box = new BareBox(tempDir('bare-box'));
    const filter = await seccompFilter();
    if (filter) {
      box.seccompFile = join(box.root.path, 'seccomp.bpf');
      writeFileSync(box.seccompFile, filter, { mode: 0o644 });
    }
    const owned = (dir: string) => {
      mkdirSync(dir, { mode: 0o700 });
      chownSync(dir, BOX_UID, BOX_GID);
      return dir;
    };
    for (let s = 0; s < slots; s++) {
      box.workDirs.push(owned(join(box.root.path, `work-${s}`)));
      const scratch = join(box.root.path, `scratch-${s}`);
      mkdirSync(scratch, { mode: 0o755 });
      owned(join(scratch, 'tmp'));
      owned(join(scratch, 'shm'));
      box.scratchDirs.push(scratch);
    }
    return box;
  }

  private srcDir(program: BenchProgram, language: LanguageSpec): string {
    let dir = this.srcDirs.get(program.label);
    if (!dir) {
      dir = join(this.root.path, `src-${program.label}`);
      mkdirSync(dir, { mode: 0o755 });
      writeFileSync(join(dir, language.sourceFile), program.source, { mode: 0o644 });
      this.srcDirs.set(program.label, dir);
    }
    return dir;
  }

  private command(
    language: LanguageSpec,
    argv: readonly string[],
    limits: Limits,
    slot: number,
    srcDir: string,
    writable: boolean,
  ): Command {
    // The sandbox's prlimit is a backstop one second above its CPU limit; here it is the limit.
    const rlimits = { ...limits, cpuMs: limits.cpuMs - 1000 };
    // Builds of the sandbox differ in which folders they bind; extra ones are ignored.
    const paths: BoxPaths = {
      srcDir,
      workDir: this.workDirs[slot]!,
      ...{ scratchDir: this.scratchDirs[slot]! },
    };
    const cmd = buildBoxCommand(language, argv, rlimits, this.layout, paths, writable) as {
      file: string;
      args: string[];
      /** Newer builds: the job's mounts, read by bwrap from a pipe (`--args`) once it is in its cgroup. */
      gate?: Buffer;
    };
    const args = withoutHandshake(cmd.args);
    // Without a cgroup to wait for, the gated mounts go on the command line, which bwrap treats the same.
    const gated = args.indexOf('--args');
    if (gated >= 0) {
      if (!cmd.gate)
        throw new Error('the box reads --args and the sandbox build gave no data for it');
      args.splice(gated, 2, ...cmd.gate.toString('utf8').split('\0').slice(0, -1));
    }
    const at = args.indexOf('--seccomp');
    if (at < 0) return { file: cmd.file, args };
    if (!this.seccompFile)
      throw new Error('the box wants a seccomp filter and the sandbox build has none');
    return { file: cmd.file, args, seccompFd: Number(args[at + 1]) };
  }

  /**
   * Compiles (when the language does) and runs `program` in work dir `slot`;
   * resolves with the milliseconds from the first spawn to the last exit.
   * Rejects when the outcome is not the one the program should have.
   */
  async run(program: BenchProgram, slot: number): Promise<number> {
    const language = findLanguage(program.language);
    if (!language) throw new Error(`the sandbox has no language ${program.language}`);
    const srcDir = this.srcDir(program, language);
    slot %= this.workDirs.length;
    const runLimits = { ...DEFAULT_RUN_LIMITS, ...language.limits };
    const t0 = performance.now();
    if (language.compile) {
      const limits = { ...DEFAULT_COMPILE_LIMITS, ...language.compileLimits };
      const c = this.command(language, language.compile, limits, slot, srcDir, true);
      const compiled = await spawnStep(c, this.seccompFile, limits.wallMs);
      if (compiled.code !== 0)
        throw new Error(
          `compile exited with ${compiled.code ?? compiled.signal}: ${compiled.stderr.trim()}`,
        );
    }
    const r = this.command(language, language.run, runLimits, slot, srcDir, false);
    const ran = await spawnStep(r, this.seccompFile, runLimits.wallMs);
    const ms = performance.now() - t0;
    if (program.verdict === 'ok' && (ran.code !== 0 || ran.stdout !== program.stdout))
      throw new Error(
        `run exited with ${ran.code ?? ran.signal}, stdout ${JSON.stringify(ran.stdout.slice(0, 80))}: ${ran.stderr.trim()}`,
      );
    if (program.verdict === 'time_limit' && ran.code === 0)
      throw new Error('the busy loop exited by itself');
    return ms;
  }

  dispose(): void {
    this.root.dispose();
  }
}
