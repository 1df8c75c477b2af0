import { describe, expect, it } from 'vitest';
import { findLanguage } from '../languages.js';
import { DEFAULT_RUN_LIMITS, type LanguageSpec } from '../types.js';
import {
  BWRAP,
  PRLIMIT,
  GATE_FD,
  SECCOMP_FD,
  SETPRIV,
  STACK_BYTES,
  buildBoxCommand,
  buildBwrapArgs,
  buildPrlimitArgs,
  jobMountArgs,
} from './args.js';

const layout = {
  symlinks: { '/bin': 'usr/bin', '/lib': 'usr/lib' },
  dirs: [],
  etcDir: '/state/etc',
};
const paths = {
  srcDir: '/state/jobs/x/src',
  workDir: '/state/jobs/x/box',
  scratchDir: '/state/jobs/x/scratch-1',
};
const python = findLanguage('python') as LanguageSpec;
const hostile = ['/usr/bin/python3', '$(id)', '; rm -rf /', '`x`', '--bind', '/ /', 'a\nb'];

function valuesOf(args: string[], option: string): string[] {
  return args.flatMap((arg, i) => (arg === option ? [args[i + 1] as string] : []));
}

describe('bubblewrap arguments', () => {
  const args = buildBwrapArgs(python, hostile, DEFAULT_RUN_LIMITS, layout, paths);
  const options = args.slice(0, args.indexOf('--'));

  it('unshares every namespace, network included, and keeps no terminal', () => {
    expect(options).toContain('--unshare-all');
    expect(options).toContain('--new-session');
    expect(options).toContain('--die-with-parent');
    expect(options).not.toContain('--share-net');
  });

  it('filters system calls, forbids new user namespaces, and keeps bwrap out of the box', () => {
    expect(valuesOf(options, '--seccomp')).toEqual([String(SECCOMP_FD)]);
    expect(options).toContain('--disable-userns');
    expect(options).toContain('--as-pid-1');
  });

  it('drops every capability and runs as nobody', () => {
    expect(valuesOf(options, '--cap-drop')).toEqual(['ALL']);
    expect(options).not.toContain('--cap-add');
    expect(valuesOf(options, '--uid')).toEqual(['65534']);
    expect(valuesOf(options, '--gid')).toEqual(['65534']);
  });

  it('clears the environment and sets only the allowlist', () => {
    expect(options.indexOf('--clearenv')).toBeLessThan(options.indexOf('--setenv'));
    const names = valuesOf(options, '--setenv');
    expect(names.sort()).toEqual(
      ['HOME', 'LANG', 'LC_ALL', 'PATH', 'TMPDIR', ...Object.keys(python.env ?? {})].sort(),
    );
  });

  it('binds the system read-only, the sources read-only, and the work dir read-only for runs', () => {
    const scratch = [`${paths.scratchDir}/shm`, `${paths.scratchDir}/tmp`];
    expect(valuesOf(options, '--bind')).toEqual(scratch);
    expect(valuesOf(options, '--ro-bind')).toEqual(
      expect.arrayContaining(['/usr', '/state/etc/passwd', paths.srcDir, paths.workDir]),
    );
    expect(valuesOf(options, '--ro-bind')).not.toContain('/etc');
    expect(valuesOf(options, '--ro-bind')).not.toContain('/etc/shadow');
    const compile = buildBwrapArgs(python, ['x'], DEFAULT_RUN_LIMITS, layout, paths, true);
    expect(valuesOf(compile, '--bind')).toEqual([...scratch, paths.workDir]);
  });

  it('passes the program argv verbatim after --, never through a shell', () => {
    expect(args.slice(args.indexOf('--') + 1)).toEqual(hostile);
    const command = buildBoxCommand(python, hostile, DEFAULT_RUN_LIMITS, layout, paths);
    expect(command.file).toBe(SETPRIV);
    // The job's mounts arrive on the gate pipe, NUL-separated, once bwrap is in its cgroup.
    expect(command.args).toContain(String(GATE_FD));
    expect(command.args).not.toContain(paths.srcDir);
    expect(command.gate.toString('utf8').split('\0')).toEqual([...jobMountArgs(paths, false), '']);
    expect(command.args.slice(0, 4)).toEqual(['--pdeathsig', 'KILL', '--', PRLIMIT]);
    expect(command.args).toContain(BWRAP);
    expect(command.args.some((arg) => /(^|\/)(ba)?sh$/.test(arg))).toBe(false);
  });

  it('mounts no tmpfs of its own: /tmp and /dev/shm come from the limited scratch mount of the step', () => {
    expect(options).not.toContain('--tmpfs');
    expect(options.lastIndexOf('/tmp')).toBe(options.indexOf(`${paths.scratchDir}/tmp`) + 1);
    expect(options.lastIndexOf('/dev/shm')).toBe(options.indexOf(`${paths.scratchDir}/shm`) + 1);
  });

  it('sets rlimits as a backstop: no core dumps, file size, open files, CPU above the limit', () => {
    const rlimits = buildPrlimitArgs({ ...DEFAULT_RUN_LIMITS, cpuMs: 2500 });
    expect(rlimits).toContain('--core=0:0');
    expect(rlimits).toContain(
      `--fsize=${DEFAULT_RUN_LIMITS.fileSizeBytes}:${DEFAULT_RUN_LIMITS.fileSizeBytes}`,
    );
    expect(rlimits).toContain('--nofile=64:64');
    expect(rlimits).toContain('--cpu=4:4');
    expect(rlimits).toContain(`--stack=${STACK_BYTES}:${STACK_BYTES}`);
    expect(STACK_BYTES).toBeLessThan(DEFAULT_RUN_LIMITS.memoryBytes / 2);
  });
});
