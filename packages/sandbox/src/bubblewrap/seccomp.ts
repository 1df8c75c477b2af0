/**
 * The box's seccomp filter, compiled here to classic BPF and handed to bwrap
 * on a pipe (`--seccomp FD`). bwrap installs it right before it execs the
 * job's program, after `PR_SET_NO_NEW_PRIVS`.
 *
 * A denylist, not an allowlist: the toolchains of twelve languages (JVM, Go,
 * Node, rustc, ...) use a wide and changing set of system calls, and the
 * namespaces, the dropped capabilities and uid 65534 are the first wall.
 * The filter removes kernel surfaces a judge never needs and exploits love:
 * io_uring, the key store, ptrace and cross-process memory access, BPF, perf,
 * userfaultfd, mounts and namespaces, module loading, and socket families
 * other than the plain ones (vsock, netlink, packet, key, crypto API).
 * Refused calls fail with EPERM, which programs handle (libuv falls back from
 * io_uring to its thread pool, for instance); a foreign architecture (i386 or
 * x32 system call numbers) is refused too, so the numbers below cannot be
 * dodged by switching ABI.
 *
 * Program layout (`struct sock_filter`, 8 bytes each, little-endian on
 * x86_64: u16 code, u8 jt, u8 jf, u32 k), reading `struct seccomp_data`
 * (`nr` at offset 0, `arch` at 4, `args[i]` at 16 + 8 i, low half first):
 *
 *     ld  arch;  jne AUDIT_ARCH_X86_64 → kill
 *     ld  nr;    jset 0x40000000 (x32) → errno
 *     jeq <each denied nr> → errno
 *     jeq socket, socketpair → family check
 *     jeq personality → persona check
 *     ret ALLOW
 *   family check:  ld args[0]; jeq <each denied family> → errno; ret ALLOW
 *   persona check: ld args[0]; jeq PER_LINUX, 0xffffffff (query) → allow
 *   errno: ret ERRNO(EPERM);  allow: ret ALLOW;  kill: ret KILL_PROCESS
 *
 * Classic BPF only jumps forward, so every shared target sits at the end.
 */

/** `BPF_LD | BPF_W | BPF_ABS`: load the 32-bit word at offset k of seccomp_data. */
const LD_ABS = 0x20;
/** `BPF_JMP | BPF_JEQ | BPF_K`: jump jt if A == k, else jf. */
const JEQ = 0x15;
/** `BPF_JMP | BPF_JSET | BPF_K`: jump jt if A & k, else jf. */
const JSET = 0x45;
/** `BPF_RET | BPF_K`: return k. */
const RET = 0x06;

export const AUDIT_ARCH_X86_64 = 0xc000003e;
export const SECCOMP_RET_KILL_PROCESS = 0x80000000;
export const SECCOMP_RET_ALLOW = 0x7fff0000;
const EPERM = 1;
export const SECCOMP_RET_ERRNO_EPERM = 0x00050000 | EPERM;
/** Bit set in x32 system call numbers. */
const X32_SYSCALL_BIT = 0x40000000;

const OFFSET_NR = 0;
const OFFSET_ARCH = 4;
const OFFSET_ARG0_LOW = 16;

/** x86_64 system calls refused with EPERM. */
export const DENIED_SYSCALLS: Readonly<Record<string, number>> = Object.freeze({
  io_uring_setup: 425,
  io_uring_enter: 426,
  io_uring_register: 427,
  keyctl: 250,
  add_key: 248,
  request_key: 249,
  ptrace: 101,
  process_vm_readv: 310,
  process_vm_writev: 311,
  kexec_load: 246,
  kexec_file_load: 320,
  bpf: 321,
  perf_event_open: 298,
  userfaultfd: 323,
  mount: 165,
  umount2: 166,
  pivot_root: 155,
  chroot: 161,
  unshare: 272,
  setns: 308,
  swapon: 167,
  swapoff: 168,
  reboot: 169,
  init_module: 175,
  finit_module: 313,
  delete_module: 176,
  open_by_handle_at: 304,
  name_to_handle_at: 303,
  acct: 163,
  quotactl: 179,
  iopl: 172,
  ioperm: 173,
});

export const SYS_SOCKET = 41;
export const SYS_SOCKETPAIR = 53;
export const SYS_PERSONALITY = 135;

/** Socket families refused by `socket` and `socketpair`. */
export const DENIED_FAMILIES: Readonly<Record<string, number>> = Object.freeze({
  AF_KEY: 15,
  AF_NETLINK: 16,
  AF_PACKET: 17,
  AF_ALG: 38,
  AF_VSOCK: 40,
});

/** `personality(PER_LINUX)` and the query `personality(0xffffffff)` stay allowed. */
export const ALLOWED_PERSONAS = [0, 0xffffffff] as const;

export interface Instruction {
  code: number;
  jt: number;
  jf: number;
  k: number;
}

type Label = 'kill' | 'errno' | 'allow' | 'family' | 'persona';
/** An instruction whose jump targets are labels, resolved once the layout is known. */
interface Draft {
  code: number;
  k: number;
  jt?: Label;
  jf?: Label;
  label?: Label;
}

/** The filter as instructions (exported for the unit test and for reading). */
export function seccompProgram(): Instruction[] {
  const drafts: Draft[] = [];
  const ld = (offset: number, label?: Label) => drafts.push({ code: LD_ABS, k: offset, label });
  const ret = (k: number, label?: Label) => drafts.push({ code: RET, k, label });
  const jeq = (k: number, jt?: Label, jf?: Label) => drafts.push({ code: JEQ, k, jt, jf });

  ld(OFFSET_ARCH);
  jeq(AUDIT_ARCH_X86_64, undefined, 'kill');
  ld(OFFSET_NR);
  drafts.push({ code: JSET, k: X32_SYSCALL_BIT, jt: 'errno' });
  for (const nr of Object.values(DENIED_SYSCALLS)) jeq(nr, 'errno');
  jeq(SYS_SOCKET, 'family');
  jeq(SYS_SOCKETPAIR, 'family');
  jeq(SYS_PERSONALITY, 'persona');
  ret(SECCOMP_RET_ALLOW);

  ld(OFFSET_ARG0_LOW, 'family');
  for (const family of Object.values(DENIED_FAMILIES)) jeq(family, 'errno');
  ret(SECCOMP_RET_ALLOW);

  ld(OFFSET_ARG0_LOW, 'persona');
  for (const persona of ALLOWED_PERSONAS) jeq(persona, 'allow');
  ret(SECCOMP_RET_ERRNO_EPERM, 'errno');
  ret(SECCOMP_RET_ALLOW, 'allow');
  ret(SECCOMP_RET_KILL_PROCESS, 'kill');

  const at = new Map<Label, number>();
  drafts.forEach((draft, index) => {
    if (draft.label) at.set(draft.label, index);
  });
  // Jumps are relative to the next instruction and only go forward (at most 255).
  const offset = (from: number, label: Label | undefined): number => {
    if (label === undefined) return 0;
    const target = at.get(label);
    const distance = (target ?? -1) - from - 1;
    if (target === undefined || distance < 0 || distance > 255) {
      throw new Error(`seccomp: cannot jump from ${from} to ${label}`);
    }
    return distance;
  };
  return drafts.map((draft, index) => ({
    code: draft.code,
    jt: offset(index, draft.jt),
    jf: offset(index, draft.jf),
    k: draft.k >>> 0,
  }));
}

/** The filter as bwrap reads it: `struct sock_filter[]`, little-endian. */
export function compileSeccomp(program: Instruction[] = seccompProgram()): Buffer {
  const bytes = Buffer.alloc(program.length * 8);
  program.forEach(({ code, jt, jf, k }, index) => {
    const at = index * 8;
    bytes.writeUInt16LE(code, at);
    bytes.writeUInt8(jt, at + 2);
    bytes.writeUInt8(jf, at + 3);
    bytes.writeUInt32LE(k, at + 4);
  });
  return bytes;
}

/**
 * Runs the filter on one system call the way the kernel would: the unit
 * test's interpreter, so the bytes are checked by behaviour, not by shape.
 */
export function evaluateSeccomp(
  bytes: Buffer,
  call: { nr: number; arch?: number; args?: number[] },
): number {
  const data = Buffer.alloc(64);
  data.writeUInt32LE(call.nr >>> 0, OFFSET_NR);
  data.writeUInt32LE((call.arch ?? AUDIT_ARCH_X86_64) >>> 0, OFFSET_ARCH);
  (call.args ?? []).forEach((arg, i) => data.writeUInt32LE(arg >>> 0, OFFSET_ARG0_LOW + 8 * i));
  let a = 0;
  for (let pc = 0; pc * 8 < bytes.length; pc++) {
    const code = bytes.readUInt16LE(pc * 8);
    const jt = bytes.readUInt8(pc * 8 + 2);
    const jf = bytes.readUInt8(pc * 8 + 3);
    const k = bytes.readUInt32LE(pc * 8 + 4);
    if (code === LD_ABS) a = data.readUInt32LE(k);
    else if (code === RET) return k;
    else if (code === JEQ) pc += a === k ? jt : jf;
    else if (code === JSET) pc += (a & k) !== 0 ? jt : jf;
    else throw new Error(`seccomp: unknown instruction ${code}`);
  }
  throw new Error('seccomp: the program ran off its end');
}
