/**
 * The floor and the ceiling of the execution benchmarks: the sandbox's own
 * bubblewrap command (built with its args builder, so the namespaces, mounts,
 * environment and rlimits are exactly the sandbox's), spawned straight from
 * this process. No server, no queue, no worker thread, no cgroup, no per-job
 * tmpfs: what is left is the price of bubblewrap and the program itself.
 *
 * Differences from the sandbox, on purpose: `--block-fd`/`--info-fd` are
 * dropped (they only hold the box until the host has placed it in its
 * cgroup), the work dir is a plain folder owned by the box's user made once
 * per slot, and the CPU limit is enforced by RLIMIT_CPU set to the sandbox's
 * CPU limit instead of cgroup polling.
 */
import { spawn } from 'node:child_process';
import { chmodSync, chownSync, lstatSync, mkdirSync, readlinkSync, writeFileSync } from 'node:fs';
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

interface StepOutcome {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
}

function spawnStep(file: string, args: string[], wallMs: number): Promise<StepOutcome> {
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, {
      uid: BOX_UID,
      gid: BOX_GID,
      cwd: '/',
      env: { PATH: '/usr/bin:/bin' },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => {
      if (stdout.length < 65536) stdout += chunk.toString('utf8');
    });
    child.stderr.resume();
    child.stdin.on('error', () => undefined);
    child.stdin.end();
    const wall = setTimeout(() => child.kill('SIGKILL'), wallMs);
    child.once('error', (err) => {
      clearTimeout(wall);
      reject(err);
    });
    child.once('close', (code, signal) => {
      clearTimeout(wall);
      resolve({ code, signal, stdout });
    });
  });
}

export class BareBox {
  private readonly layout: HostLayout;
  private readonly srcDirs = new Map<string, string>();
  private readonly workDirs: string[] = [];

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
  static create(slots: number): BareBox {
    const box = new BareBox(tempDir('bare-box'));
    for (let s = 0; s < slots; s++) {
      const dir = join(box.root.path, `work-${s}`);
      mkdirSync(dir, { mode: 0o700 });
      chownSync(dir, BOX_UID, BOX_GID);
      box.workDirs.push(dir);
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
    srcDir: string,
    workDir: string,
    writable: boolean,
  ) {
    // The sandbox's prlimit is a backstop one second above its CPU limit; here it is the limit.
    const rlimits = { ...limits, cpuMs: limits.cpuMs - 1000 };
    const cmd = buildBoxCommand(
      language,
      argv,
      rlimits,
      this.layout,
      { srcDir, workDir },
      writable,
    );
    return { file: cmd.file, args: withoutHandshake(cmd.args) };
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
    const workDir = this.workDirs[slot % this.workDirs.length]!;
    const runLimits = { ...DEFAULT_RUN_LIMITS, ...language.limits };
    const t0 = performance.now();
    if (language.compile) {
      const limits = { ...DEFAULT_COMPILE_LIMITS, ...language.compileLimits };
      const c = this.command(language, language.compile, limits, srcDir, workDir, true);
      const compiled = await spawnStep(c.file, c.args, limits.wallMs);
      if (compiled.code !== 0)
        throw new Error(`compile exited with ${compiled.code ?? compiled.signal}`);
    }
    const r = this.command(language, language.run, runLimits, srcDir, workDir, false);
    const ran = await spawnStep(r.file, r.args, runLimits.wallMs);
    const ms = performance.now() - t0;
    if (program.verdict === 'ok' && (ran.code !== 0 || ran.stdout !== program.stdout))
      throw new Error(
        `run exited with ${ran.code ?? ran.signal}, stdout ${JSON.stringify(ran.stdout.slice(0, 80))}`,
      );
    if (program.verdict === 'time_limit' && ran.code === 0)
      throw new Error('the busy loop exited by itself');
    return ms;
  }

  dispose(): void {
    this.root.dispose();
  }
}
