import { describe, expect, it } from 'vitest';
import {
  AUDIT_ARCH_X86_64,
  DENIED_FAMILIES,
  DENIED_SYSCALLS,
  SECCOMP_RET_ALLOW,
  SECCOMP_RET_ERRNO_EPERM,
  SECCOMP_RET_KILL_PROCESS,
  SYS_PERSONALITY,
  SYS_SOCKET,
  SYS_SOCKETPAIR,
  compileSeccomp,
  evaluateSeccomp,
} from './seccomp.js';

const bytes = compileSeccomp();
const verdict = (nr: number, args: number[] = [], arch = AUDIT_ARCH_X86_64) =>
  evaluateSeccomp(bytes, { nr, args, arch });

describe('seccomp filter', () => {
  it('is a whole number of 8-byte instructions that starts by checking the architecture', () => {
    expect(bytes.length % 8).toBe(0);
    expect(bytes.length / 8).toBeLessThan(100);
    // ld [4] (arch): code 0x20, jt 0, jf 0, k 4.
    expect([...bytes.subarray(0, 8)]).toEqual([0x20, 0, 0, 0, 4, 0, 0, 0]);
    // jeq AUDIT_ARCH_X86_64, little-endian k.
    expect(bytes.readUInt16LE(8)).toBe(0x15);
    expect(bytes.readUInt32LE(12)).toBe(0xc000003e);
  });

  it('kills a process calling with another architecture (i386 numbers)', () => {
    expect(verdict(0, [], 0x40000003)).toBe(SECCOMP_RET_KILL_PROCESS);
  });

  it('refuses x32 system calls', () => {
    expect(verdict(0x40000000 | 1)).toBe(SECCOMP_RET_ERRNO_EPERM);
  });

  it('refuses every denied system call with EPERM', () => {
    expect(Object.keys(DENIED_SYSCALLS)).toEqual(
      expect.arrayContaining(['io_uring_setup', 'keyctl', 'ptrace', 'unshare', 'mount', 'bpf']),
    );
    for (const [name, nr] of Object.entries(DENIED_SYSCALLS)) {
      expect(verdict(nr), name).toBe(SECCOMP_RET_ERRNO_EPERM);
    }
  });

  it('allows ordinary system calls', () => {
    // read, write, openat, mmap, clone, clone3, execve, futex, epoll_wait, exit_group.
    for (const nr of [0, 1, 257, 9, 56, 435, 59, 202, 232, 231]) {
      expect(verdict(nr), String(nr)).toBe(SECCOMP_RET_ALLOW);
    }
  });

  it('refuses socket families a judge has no use for, allows the plain ones', () => {
    for (const nr of [SYS_SOCKET, SYS_SOCKETPAIR]) {
      for (const [name, family] of Object.entries(DENIED_FAMILIES)) {
        expect(verdict(nr, [family]), name).toBe(SECCOMP_RET_ERRNO_EPERM);
      }
      // AF_UNIX, AF_INET, AF_INET6.
      for (const family of [1, 2, 10]) expect(verdict(nr, [family])).toBe(SECCOMP_RET_ALLOW);
    }
    expect(DENIED_FAMILIES.AF_VSOCK).toBe(40);
  });

  it('allows only the Linux persona and the persona query', () => {
    expect(verdict(SYS_PERSONALITY, [0])).toBe(SECCOMP_RET_ALLOW);
    expect(verdict(SYS_PERSONALITY, [0xffffffff])).toBe(SECCOMP_RET_ALLOW);
    // ADDR_NO_RANDOMIZE, READ_IMPLIES_EXEC.
    expect(verdict(SYS_PERSONALITY, [0x0040000])).toBe(SECCOMP_RET_ERRNO_EPERM);
    expect(verdict(SYS_PERSONALITY, [0x0400000])).toBe(SECCOMP_RET_ERRNO_EPERM);
  });
});
