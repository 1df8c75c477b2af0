/**
 * Runs one box command and watches it: cgroup placement before any untrusted
 * code runs, stdin, capped output capture, wall and CPU limits, the verdict
 * inputs (exit code or signal, OOM, peak memory).
 *
 * Joining the cgroup: bwrap is started with `--block-fd` and `--info-fd`. It
 * builds the sandbox, reports the pid of the sandbox's first process on the
 * info pipe, then waits on the block pipe before it execs anything of the
 * job. Before that, bwrap itself waits for part of its arguments (the job's
 * mounts, on the gate pipe) before it creates any process: the host moves it
 * into the step's cgroup first, so the box's pid 1 (which becomes the
 * program) and everything it starts are born inside the group. No helper
 * binary, no shell. On any failure the host kills the group and both bwrap
 * processes by pid. If the whole host process dies,
 * the monitor gets SIGKILL (setpriv's parent-death signal) and the box dies
 * with it (`--die-with-parent`); pid 1 gone, the kernel kills the rest of
 * the box's pid namespace.
 *
 * After the step, the cgroup is killed until it is empty: no process of the
 * job outlives it.
 */
import { spawn, type ChildProcess, type StdioOptions } from 'node:child_process';
import { openSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { constants, setPriority } from 'node:os';
import type { Readable, Writable } from 'node:stream';
import type { Limits, StepOutcome, StepResult } from '../types.js';
import type { StepCgroup } from './cgroup.js';
import { delay, killPids } from './cgroup-files.js';
import { BLOCK_FD, BOX_GID, BOX_UID, GATE_FD, INFO_FD, SECCOMP_FD } from './args.js';

/** How often CPU time is sampled; a busy loop overshoots `cpuMs` by at most this. */
const POLL_MS = 50;
/** Nice value of boxed processes: the server's event loop comes first. */
const NICE = 10;
/** How long the monitor gets to exit after the box's pid 1 was killed, before the cgroup sweep. */
const SWEEP_GRACE_MS = 500;
/** bwrap reports a program killed by signal N as exit code 128 + N. */
const SIGNAL_EXIT_BASE = 128;

export interface SuperviseRequest {
  file: string;
  args: string[];
  stdin: string;
  limits: Limits;
  cgroup: StepCgroup;
  /** The compiled seccomp filter bwrap reads on `SECCOMP_FD`. */
  seccomp: Buffer;
  /** What bwrap reads on `GATE_FD` once it is in the cgroup (its job mounts). */
  gate: Buffer;
  signal?: AbortSignal;
}

type KillReason = 'time_limit' | 'output_limit' | 'cancelled';

/** Keeps at most `cap` bytes of a stream; reports when more arrived. */
class CappedBuffer {
  private readonly chunks: Buffer[] = [];
  private size = 0;
  truncated = false;
  constructor(private readonly cap: number) {}

  /** Returns false once the cap is exceeded. */
  push(chunk: Buffer): boolean {
    const room = this.cap - this.size;
    if (chunk.length > room) {
      if (room > 0) this.chunks.push(chunk.subarray(0, room));
      this.size = this.cap;
      this.truncated = true;
      return false;
    }
    this.chunks.push(chunk);
    this.size += chunk.length;
    return true;
  }

  text(): string {
    return Buffer.concat(this.chunks).toString('utf8');
  }
}

export async function supervise(request: SuperviseRequest): Promise<StepResult> {
  const { limits, cgroup } = request;
  const stdout = new CappedBuffer(limits.outputBytes);
  const stderr = new CappedBuffer(limits.outputBytes);
  let killReason: KillReason | null = null;
  let started = 0;

  const child = spawn(request.file, request.args, {
    uid: BOX_UID,
    gid: BOX_GID,
    cwd: '/',
    env: { PATH: '/usr/bin:/bin' },
    stdio: await childStdio(),
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>(
    (resolve, reject) => {
      child.once('error', reject);
      child.once('exit', (code, signal) => resolve({ code, signal }));
    },
  );
  exited.catch(() => undefined);
  // Output is complete once every holder of the pipes is gone, which the cgroup sweep ensures.
  const closed = new Promise<void>((resolve) => child.once('close', () => resolve()));
  // No pipes when the spawn itself failed (EMFILE, EAGAIN): `exited` then rejects.
  const pipes = child.stdio as unknown as (Writable | undefined)[];
  for (const fd of [SECCOMP_FD, GATE_FD]) {
    pipes[fd]?.on('error', () => undefined); // bwrap died before reading it: its exit says why.
  }
  pipes[SECCOMP_FD]?.end(request.seccomp);

  let sandboxPid: number | undefined;
  let sweepTimer: NodeJS.Timeout | undefined;
  const sweep = () => void cgroup.killAll().catch(() => child.kill('SIGKILL'));
  /**
   * Kills the box's pid 1 first: the kernel then kills and reaps everything
   * else in its pid namespace, and bwrap's monitor reaps pid 1 and exits, so
   * no process of the job is left for the host's init to reap (a zombie there
   * may linger for seconds). The cgroup sweep follows as a backstop, at once
   * if pid 1 is not known yet.
   */
  const kill = (reason: KillReason) => {
    killReason ??= reason;
    if (sweepTimer) return;
    if (sandboxPid !== undefined) killPids([sandboxPid]);
    sweepTimer = setTimeout(sweep, sandboxPid === undefined ? 0 : SWEEP_GRACE_MS);
  };
  const collect = (stream: Readable | null, buffer: CappedBuffer) =>
    stream?.on('data', (chunk: Buffer) => {
      if (!buffer.push(chunk)) kill('output_limit');
    });
  collect(child.stdout, stdout);
  collect(child.stderr, stderr);
  // A pipe reset by a dying box is not an error of ours; the exit status says what happened.
  for (const stream of child.stdio) stream?.on('error', () => undefined);

  const onAbort = () => kill('cancelled');
  let wallTimer: NodeJS.Timeout | undefined;
  let pollTimer: NodeJS.Timeout | undefined;
  try {
    if (child.pid === undefined) await exited; // The spawn failed: rejects with why.
    // bwrap waits for its job mounts before it creates any process: join it
    // first, and the box is born in the group (and at its nice value).
    await cgroup.join(child.pid as number);
    setPriority(child.pid as number, NICE);
    pipes[GATE_FD]?.end(request.gate);
    sandboxPid = await readChildPid(child);
    started = performance.now();
    (child.stdio[BLOCK_FD] as Writable).end(Buffer.from([1]));

    const stdin = child.stdin as Writable;
    stdin.on('error', () => undefined); // EPIPE: the program did not read all of its input.
    stdin.end(request.stdin);

    if (request.signal?.aborted) onAbort();
    request.signal?.addEventListener('abort', onAbort, { once: true });
    wallTimer = setTimeout(() => kill('time_limit'), limits.wallMs);
    pollTimer = setInterval(() => {
      cgroup.usage().then(
        (usage) => {
          if (usage.cpuMs > limits.cpuMs) kill('time_limit');
        },
        () => undefined,
      );
    }, POLL_MS);

    const { code, signal } = await exited;
    const wallMs = Math.round(performance.now() - started);
    clearTimeout(wallTimer);
    clearInterval(pollTimer);
    const usage = await cgroup.usage();
    await cgroup.killAll();
    await closed;

    const base = {
      stdout: stdout.text(),
      stderr: stderr.text(),
      stdoutTruncated: stdout.truncated,
      stderrTruncated: stderr.truncated,
      wallMs,
      cpuMs: Math.round(usage.cpuMs),
      memoryKb: Math.round(usage.peakBytes / 1024),
    };
    let outcome: StepOutcome;
    let exitCode: number | null = null;
    let signalName: string | null = null;
    if (killReason === 'cancelled' || killReason === 'output_limit') {
      outcome = killReason;
    } else if (usage.oomKilled) {
      outcome = 'memory_limit';
    } else if (killReason === 'time_limit' || usage.cpuMs > limits.cpuMs) {
      // A program stopped for time while stuck at its memory limit (reclaiming
      // instead of being OOM-killed yet) ran out of memory, not time.
      outcome = usage.hitLimit ? 'memory_limit' : 'time_limit';
    } else if (signal) {
      outcome = 'signalled';
      signalName = signal;
    } else if (code !== null && code > SIGNAL_EXIT_BASE && code <= SIGNAL_EXIT_BASE + 64) {
      outcome = 'signalled';
      signalName = signalNameOf(code - SIGNAL_EXIT_BASE);
    } else if (code === 1 && base.stderr.startsWith('bwrap: ')) {
      return {
        ...base,
        outcome: 'internal_error',
        exitCode: null,
        signal: null,
        error: base.stderr,
      };
    } else {
      outcome = 'exited';
      exitCode = code;
    }
    return { ...base, outcome, exitCode, signal: signalName };
  } catch (error) {
    // Kill both bwrap processes by pid before our end of the block pipe
    // closes (an end-of-file would release the box), pid 1 first (see
    // `kill`), then the whole group.
    if (sandboxPid !== undefined) {
      killPids([sandboxPid]);
      await Promise.race([exited.catch(() => undefined), delay(SWEEP_GRACE_MS)]);
    }
    child.kill('SIGKILL');
    await cgroup.killAll().catch(() => undefined);
    const said = stderr.text().trim();
    return {
      outcome: 'internal_error',
      error: said ? `${String(error)}: ${said.slice(0, 500)}` : String(error),
      stdout: '',
      stderr: stderr.text(),
      stdoutTruncated: false,
      stderrTruncated: false,
      exitCode: null,
      signal: null,
      wallMs: started ? Math.round(performance.now() - started) : 0,
      cpuMs: 0,
      memoryKb: 0,
    };
  } finally {
    clearTimeout(sweepTimer);
    clearTimeout(wallTimer);
    clearInterval(pollTimer);
    request.signal?.removeEventListener('abort', onAbort);
  }
}

/**
 * stdin, stdout, stderr, the block, info, seccomp and gate pipes. Descriptors this
 * process has open without close-on-exec (inherited from whoever started the
 * server) would otherwise leak into the box: each is replaced by /dev/null in
 * the child. libuv leaves 'ignore'd descriptors above 2 untouched, so they are
 * covered explicitly.
 */
async function childStdio(): Promise<StdioOptions> {
  const stdio: StdioOptions = ['pipe', 'pipe', 'pipe', 'pipe', 'pipe', 'pipe', 'pipe'];
  const leaking = (await inheritableDescriptors()).filter((fd) => fd >= stdio.length);
  if (leaking.length === 0) return stdio;
  devNull ??= openSync('/dev/null', 'r');
  const highest = Math.max(...leaking);
  for (let fd = stdio.length; fd <= highest; fd++) {
    stdio.push(leaking.includes(fd) ? devNull : 'ignore');
  }
  return stdio;
}
let devNull: number | undefined;

const O_CLOEXEC = 0o2000000;

/**
 * Read once per process, asynchronously and one descriptor at a time: the
 * event loop must not stall on /proc reads per job, and 50 jobs starting at
 * once must not open a file per descriptor each. Node and libuv open every
 * descriptor of their own with O_CLOEXEC, so the set without it is what this
 * process inherited at start-up and does not grow later.
 */
function inheritableDescriptors(): Promise<number[]> {
  inheritable ??= (async () => {
    const found: number[] = [];
    let names: string[];
    try {
      names = await readdir('/proc/self/fd');
    } catch {
      return found; // No /proc.
    }
    for (const name of names) {
      const fd = Number(name);
      try {
        const info = await readFile(`/proc/self/fdinfo/${fd}`, 'utf8');
        const match = /flags:\s*([0-7]+)/.exec(info);
        if (match && (parseInt(match[1] as string, 8) & O_CLOEXEC) === 0) found.push(fd);
      } catch {
        // Closed meanwhile (e.g. the descriptor readdir itself used).
      }
    }
    return found;
  })();
  return inheritable;
}
let inheritable: Promise<number[]> | undefined;

/** Waits for bwrap's `{"child-pid": N}` on the info pipe. */
function readChildPid(child: ChildProcess): Promise<number> {
  const info = child.stdio[INFO_FD] as Readable | undefined;
  if (!info) return Promise.reject(new Error('bwrap did not start'));
  return new Promise((resolve, reject) => {
    let text = '';
    const onData = (chunk: Buffer) => {
      text += chunk.toString('utf8');
      const match = /"child-pid"\s*:\s*(\d+)/.exec(text);
      if (match) {
        cleanup();
        // bwrap finishes its message later; closing our end now would kill it with SIGPIPE.
        info.resume();
        resolve(Number(match[1]));
      } else if (text.length > 4096) {
        fail(new Error('bwrap wrote an unexpected info message'));
      }
    };
    const onEnd = () => fail(new Error('bwrap exited before starting the sandbox'));
    const fail = (error: Error) => {
      cleanup();
      reject(error);
    };
    const cleanup = () => {
      info.off('data', onData);
      info.off('end', onEnd);
      info.off('close', onEnd);
      child.off('error', fail);
    };
    info.on('data', onData);
    info.once('end', onEnd);
    info.once('close', onEnd);
    child.once('error', fail);
  });
}

function signalNameOf(number: number): string {
  const entry = Object.entries(constants.signals).find(([, value]) => value === number);
  return entry ? entry[0] : `SIG${number}`;
}
