import { afterAll, describe, expect, it, vi } from 'vitest';
import { findLanguage } from '../languages.js';
import { sandboxContract } from '../sandbox.contract.js';
import { createSandbox } from '../sandbox.js';
import type { Limits, StepResult } from '../types.js';
import { DEFAULT_RUN_LIMITS } from '../types.js';
import { WasmBackend } from './index.js';

// Pyodide loads in 1.5 s on an idle core and several times that on a busy machine.
vi.setConfig({ testTimeout: 120_000 });

const backend = new WasmBackend();
afterAll(() => backend.close());

const QUICK: Partial<Limits> = { cpuMs: 1000, wallMs: 2000, outputBytes: 16 * 1024 };

async function run(
  language: string,
  source: string,
  stdin = '',
  limits: Partial<Limits> = {},
): Promise<StepResult> {
  const spec = findLanguage(language);
  if (!spec) throw new Error(`no language ${language}`);
  const workspace = await backend.prepare([{ name: spec.sourceFile, content: source }]);
  try {
    const step = (argv: string[]) =>
      backend.step({
        language: spec,
        argv,
        files: [],
        workspace,
        stdin,
        limits: { ...DEFAULT_RUN_LIMITS, ...limits },
      });
    if (spec.compile) {
      const compiled = await step(spec.compile);
      if (compiled.exitCode !== 0) return compiled;
    }
    return await step(spec.run);
  } finally {
    await workspace.dispose();
  }
}

describe('WasmBackend', () => {
  it('is available, for python, javascript and typescript only, with versions', async () => {
    expect(await backend.unavailableReason()).toBeNull();
    const version = async (id: string) => (await backend.supports(findLanguage(id)!))?.version;
    expect(await version('python')).toMatch(/^Python 3\.\d+\.\d+ \(Pyodide [\d.]+\)$/);
    expect(await version('javascript')).toMatch(/^QuickJS \d{4}-\d{2}-\d{2}$/);
    expect(await version('typescript')).toMatch(/^QuickJS /);
    expect(await backend.supports(findLanguage('c')!)).toBeNull();
  });

  describe.each(['python', 'javascript'] as const)('%s', (language) => {
    const programs = PROGRAMS[language];

    it('prints hello and reads all of stdin', async () => {
      const result = await run(language, programs.echo, 'hello\n$HOME `id` ünïcode\n');
      expect(result).toMatchObject({ outcome: 'exited', exitCode: 0 });
      expect(result.stdout).toBe('hello\n$HOME `id` ünïcode\n');
    });

    it('reports the exit code', async () => {
      expect(await run(language, programs.exit3)).toMatchObject({ outcome: 'exited', exitCode: 3 });
    });

    it('reports an uncaught exception with exit code 1 and its trace on stderr', async () => {
      const result = await run(language, programs.raise);
      expect(result).toMatchObject({ outcome: 'exited', exitCode: 1 });
      expect(result.stderr).toContain('boom');
      expect(result.stderr).toContain(language === 'python' ? 'ValueError' : 'Error');
    });

    it('stops a busy loop at the time limit', async () => {
      const result = await run(language, programs.busy, '', QUICK);
      expect(result.outcome).toBe('time_limit');
      expect(result.wallMs).toBeGreaterThanOrEqual(950);
      expect(result.wallMs).toBeLessThan(2000);
    });

    it('stops a 1 GiB allocation at the memory limit', async () => {
      const result = await run(language, programs.allocate, '', {
        ...QUICK,
        memoryBytes: 128 << 20,
      });
      expect(result.outcome).toBe('memory_limit');
    });

    it('stops an infinite print at the output limit, keeping what fits', async () => {
      const result = await run(language, programs.print, '', QUICK);
      expect(result.outcome).toBe('output_limit');
      expect(result.stdoutTruncated).toBe(true);
      expect(Buffer.byteLength(result.stdout)).toBe(16 * 1024);
      expect(result.stdout.startsWith('y'.repeat(100))).toBe(true);
    });

    it('has no network', async () => {
      const result = await run(language, programs.network);
      expect(result).toMatchObject({ outcome: 'exited', exitCode: 0 });
      expect(result.stdout).not.toContain('REACHED');
      expect(result.stdout).toContain('refused');
    });

    it('reaches nothing of the host', async () => {
      const result = await run(language, programs.host);
      expect(result.stdout).not.toContain('ESCAPED');
      expect(result).toMatchObject({ outcome: 'exited', exitCode: 0, stdout: 'contained\n' });
    });

    it('starts every run in a fresh interpreter', async () => {
      await run(language, programs.leakWrite);
      const result = await run(language, programs.leakRead);
      expect(result).toMatchObject({ outcome: 'exited', stdout: 'clean\n' });
    });
  });

  it('runs TypeScript with type annotations and ESM imports', async () => {
    const source =
      "import { readFileSync } from 'fs';\ninterface P { n: number }\nconst p: P = { n: Number(readFileSync(0, 'utf8')) };\nenum E { A = 2 }\nconsole.log(p.n * E.A);\n";
    expect(await run('typescript', source, '21')).toMatchObject({
      outcome: 'exited',
      stdout: '42\n',
    });
  });

  it('reports a TypeScript syntax error as a failed compile step', async () => {
    const result = await run('typescript', 'const x: = 1;\n');
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain('main.ts:1:');
  });

  it('gives JavaScript a Node-like surface: readline, stdin events, timers, process.exitCode', async () => {
    const readline =
      "const rl = require('readline').createInterface({ input: process.stdin });\nconst lines = [];\nrl.on('line', (l) => lines.push(l));\nrl.on('close', () => console.log(lines, { n: lines.length }));\n";
    expect((await run('javascript', readline, 'a\nb\n')).stdout).toBe("[ 'a', 'b' ] { n: 2 }\n");
    const timers =
      "let s = '';\nprocess.stdin.on('data', (c) => (s += c));\nprocess.stdin.on('end', () => setTimeout(() => { console.log(s.trim()); process.exitCode = 5; }, 1000));\n";
    expect(await run('javascript', timers, 'x\n')).toMatchObject({ exitCode: 5, stdout: 'x\n' });
  });

  it('reports a cancelled step', async () => {
    const spec = findLanguage('python')!;
    const workspace = await backend.prepare([{ name: 'main.py', content: 'while True: pass\n' }]);
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 200);
    const result = await backend.step({
      language: spec,
      argv: spec.run,
      files: [],
      workspace,
      stdin: '',
      limits: { ...DEFAULT_RUN_LIMITS, ...QUICK },
      signal: controller.signal,
    });
    expect(result.outcome).toBe('cancelled');
  });
});

interface Programs {
  echo: string;
  exit3: string;
  raise: string;
  busy: string;
  allocate: string;
  print: string;
  network: string;
  host: string;
  leakWrite: string;
  leakRead: string;
}

const PROGRAMS: Record<'python' | 'javascript', Programs> = {
  python: {
    echo: 'import sys\nsys.stdout.write(sys.stdin.read())\n',
    exit3: 'import sys\nsys.exit(3)\n',
    raise: 'def f():\n    raise ValueError("boom")\nf()\n',
    busy: 'while True:\n    pass\n',
    allocate: "x = b'\\x01' * (1 << 30)\nprint(len(x))\n",
    print: 'while True:\n    print("y" * 100)\n',
    network: [
      'import socket',
      'try:',
      "    socket.create_connection(('127.0.0.1', 80), timeout=1); print('REACHED')",
      'except OSError:',
      "    print('socket refused')",
      'try:',
      '    from pyodide.http import pyfetch',
      "    pyfetch('http://127.0.0.1/').send(None); print('REACHED')",
      'except Exception:',
      "    print('fetch refused')",
      '',
    ].join('\n'),
    host: [
      'import os',
      'def attempt(f):',
      '    try:',
      '        f()',
      "        print('ESCAPED', f)",
      '    except Exception:',
      '        pass',
      "attempt(lambda: open('/etc/passwd').read())",
      "attempt(lambda: __import__('pyodide_js'))",
      "attempt(lambda: __import__('js').process.env)",
      "attempt(lambda: __import__('pyodide.code').code.run_js('process'))",
      "attempt(lambda: __import__('pyodide.ffi').ffi.to_js([]).constructor.constructor('return process')())",
      "if os.system('true') == 0: print('ESCAPED system')",
      "print('contained')",
      '',
    ].join('\n'),
    leakWrite: "import builtins\nbuiltins.LEAK = 1\nopen('/tmp/leak', 'w').write('x')\n",
    leakRead:
      "import builtins, os\nprint('leaked' if hasattr(builtins, 'LEAK') or os.path.exists('/tmp/leak') else 'clean')\n",
  },
  javascript: {
    echo: "process.stdout.write(require('fs').readFileSync(0, 'utf8'));\n",
    exit3: 'process.exit(3);\n',
    raise: "function f() { throw new Error('boom'); }\nf();\n",
    busy: 'for (;;) {}\n',
    allocate: 'const b = Buffer.alloc(1 << 30, 1);\nconsole.log(b[12345]);\n',
    print: "for (;;) process.stdout.write('y'.repeat(100) + '\\n');\n",
    network: [
      "if (typeof fetch === 'undefined' && typeof WebSocket === 'undefined') console.log('fetch refused');",
      "try { require('net').connect(80, '127.0.0.1'); console.log('REACHED'); } catch { console.log('net refused'); }",
      '',
    ].join('\n'),
    host: [
      'const attempt = (f) => { try { const v = f(); if (v !== undefined) console.log("ESCAPED", String(f)); } catch {} };',
      "attempt(() => require('child_process'));",
      "attempt(() => require('fs').readFileSync('/etc/passwd'));",
      'attempt(() => Object.keys(process.env).length || undefined);',
      "attempt(() => Function('return globalThis.__tandem_write')());",
      "attempt(() => (typeof std === 'object' || typeof os === 'object' ? true : undefined));",
      "console.log('contained');",
      '',
    ].join('\n'),
    leakWrite: 'globalThis.leak = 1;\nObject.prototype.polluted = 1;\n',
    leakRead:
      "console.log(typeof leak === 'undefined' && ({}).polluted === undefined ? 'clean' : 'leaked');\n",
  },
};

sandboxContract('wasm', () => createSandbox({ backend: 'wasm', backends: [new WasmBackend()] }), [
  'python',
  'javascript',
  'typescript',
]);
