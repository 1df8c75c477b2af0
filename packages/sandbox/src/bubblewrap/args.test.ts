import { describe, expect, it } from 'vitest';
import { findLanguage } from '../languages.js';
import { DEFAULT_RUN_LIMITS, type LanguageSpec } from '../types.js';
import { BWRAP, PRLIMIT, buildBoxCommand, buildBwrapArgs, buildPrlimitArgs } from './args.js';

const layout = {
  symlinks: { '/bin': 'usr/bin', '/lib': 'usr/lib' },
  dirs: [],
  etcDir: '/state/etc',
};
const paths = { srcDir: '/state/jobs/x/src', workDir: '/state/jobs/x/box' };
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
    expect(valuesOf(options, '--bind')).toEqual([]);
    expect(valuesOf(options, '--ro-bind')).toEqual(
      expect.arrayContaining(['/usr', '/state/etc/passwd', paths.srcDir, paths.workDir]),
    );
    expect(valuesOf(options, '--ro-bind')).not.toContain('/etc');
    expect(valuesOf(options, '--ro-bind')).not.toContain('/etc/shadow');
    const compile = buildBwrapArgs(python, ['x'], DEFAULT_RUN_LIMITS, layout, paths, true);
    expect(valuesOf(compile, '--bind')).toEqual([paths.workDir]);
  });

  it('passes the program argv verbatim after --, never through a shell', () => {
    expect(args.slice(args.indexOf('--') + 1)).toEqual(hostile);
    const command = buildBoxCommand(python, hostile, DEFAULT_RUN_LIMITS, layout, paths);
    expect(command.file).toBe(PRLIMIT);
    expect(command.args).toContain(BWRAP);
    expect(command.args.some((arg) => /(^|\/)(ba)?sh$/.test(arg))).toBe(false);
  });

  it('limits the scratch tmpfs mounts', () => {
    expect(valuesOf(options, '--size')).toEqual([
      String(DEFAULT_RUN_LIMITS.scratchBytes),
      String(DEFAULT_RUN_LIMITS.scratchBytes),
    ]);
  });

  it('sets rlimits as a backstop: no core dumps, file size, open files, CPU above the limit', () => {
    const rlimits = buildPrlimitArgs({ ...DEFAULT_RUN_LIMITS, cpuMs: 2500 });
    expect(rlimits).toContain('--core=0:0');
    expect(rlimits).toContain(
      `--fsize=${DEFAULT_RUN_LIMITS.fileSizeBytes}:${DEFAULT_RUN_LIMITS.fileSizeBytes}`,
    );
    expect(rlimits).toContain('--nofile=64:64');
    expect(rlimits).toContain('--cpu=4:4');
  });
});
