import { afterAll, describe, expect, it, vi } from 'vitest';
import { findLanguage } from '../languages.js';
import type { Limits, StepResult } from '../types.js';
import { DEFAULT_RUN_LIMITS } from '../types.js';
import { InterpreterWorker, LOAD_TIMEOUT_MS, resourceLimitsFor } from './host.js';
import { WasmBackend } from './index.js';
import { LoadGate } from './load-gate.js';

// Pyodide loads in 1–2 s on an idle core, several times that on a busy machine.
vi.setConfig({ testTimeout: 60_000 });

/**
 * One backend for the file: every run takes its warm spare. Runs keep the
 * default memory limit so the spare loaded by the version probe fits them
 * all (a spare fits only steps with its memory limit).
 */
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

describe('LoadGate', () => {
  it('runs at most `limit` loads at a time and starts the others in order', async () => {
    const gate = new LoadGate(2);
    const started: number[] = [];
    const finish: (() => void)[] = [];
    const loads = [0, 1, 2, 3].map((i) =>
      gate.run(async () => {
        started.push(i);
        await new Promise<void>((resolve) => (finish[i] = resolve));
        return i;
      }),
    );
    await vi.waitFor(() => expect(started).toEqual([0, 1]));
    expect(gate.pending).toEqual({ active: 2, waiting: 2 });
    finish[1]?.();
    await vi.waitFor(() => expect(started).toEqual([0, 1, 2]));
    finish[0]?.();
    await vi.waitFor(() => expect(started).toEqual([0, 1, 2, 3]));
    finish[2]?.();
    finish[3]?.();
    expect(await Promise.all(loads)).toEqual([0, 1, 2, 3]);
    expect(gate.pending).toEqual({ active: 0, waiting: 0 });
  });

  it('frees the slot of a load that fails', async () => {
    const gate = new LoadGate(1);
    await expect(gate.run(() => Promise.reject(new Error('no')))).rejects.toThrow('no');
    expect(await gate.run(async () => 'next')).toBe('next');
  });
});

describe('InterpreterWorker', () => {
  // Regression: the timeout ran from the request, so loads queued behind
  // others on a busy machine failed with internal_error before they began.
  it('starts the load timeout when its load starts, not while it waits for a slot', async () => {
    const gate = new LoadGate(1);
    let release = () => {};
    const blocker = gate.run(() => new Promise<void>((resolve) => (release = resolve)));
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    try {
      const limits = resourceLimitsFor(DEFAULT_RUN_LIMITS.memoryBytes);
      const worker = new InterpreterWorker('javascript', limits, gate);
      await vi.advanceTimersByTimeAsync(LOAD_TIMEOUT_MS + 1000);
      release();
      await blocker;
      expect(await worker.ready).toMatch(/^QuickJS /);
      worker.terminate();
    } finally {
      vi.useRealTimers();
    }
  });
});

describe('WasmBackend', () => {
  it('is available, for python, javascript and typescript only, with versions', async () => {
    expect(await backend.unavailableReason()).toBeNull();
    const version = async (id: string) => (await backend.supports(findLanguage(id)!))?.version;
    expect(await version('python')).toMatch(/^Python 3\.\d+\.\d+ \(Pyodide [\d.]+\)$/);
    expect(await version('javascript')).toMatch(/^QuickJS \d{4}-\d{2}-\d{2}$/);
    expect(await version('typescript')).toMatch(/^QuickJS /);
    expect(await backend.supports(findLanguage('c')!)).toBeNull();
  });

  // Concurrent: each run takes the spare loaded meanwhile, and loads queue
  // for the cores instead of running back to back with the programs.
  describe.concurrent.each(['python', 'javascript'] as const)('%s', (language) => {
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
      const result = await run(language, programs.allocate, '', QUICK);
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

  // Regression: seven Pyodide loads at once on two cores outlasted the load timeout.
  it('runs 4 Python programs started at once, each in a fresh interpreter', async () => {
    const source =
      "import builtins, sys\nprint('leaked' if hasattr(builtins, 'SEEN') else 'clean', sys.stdin.read())\nbuiltins.SEEN = 1\n";
    const results = await Promise.all(['0', '1', '2', '3'].map((n) => run('python', source, n)));
    expect(results.map((r) => [r.outcome, r.exitCode, r.stdout])).toEqual(
      ['0', '1', '2', '3'].map((n) => ['exited', 0, `clean ${n}\n`]),
    );
  });

  // Regression: os._exit() left Pyodide's dump of the Python stack on stdout.
  it('ends a Python program at os._exit with only its own output', async () => {
    const result = await run('python', "import os\nprint('before', flush=True)\nos._exit(4)\n");
    expect(result).toMatchObject({
      outcome: 'exited',
      exitCode: 4,
      stdout: 'before\n',
      stderr: '',
    });
  });

  // Regression: an unhandled rejection exited 0 with nothing on stderr.
  it('ends a JavaScript program with an unhandled rejection like Node', async () => {
    const thrown = await run(
      'javascript',
      "async function main() { throw new Error('x'); }\nmain();\n",
    );
    expect(thrown).toMatchObject({ outcome: 'exited', exitCode: 1, stdout: '' });
    expect(thrown.stderr).toMatch(/^Error: x\n {4}at .*\(main\.js:1:\d+\)/);

    const value = await run('javascript', "Promise.reject(7);\nconsole.log('after');\n");
    expect(value).toMatchObject({ exitCode: 1, stdout: 'after\n' });
    expect(value.stderr).toContain('UnhandledPromiseRejection');
    expect(value.stderr).toContain('reason "7"');

    const typed = await run(
      'typescript',
      "async function main(): Promise<void> {\n  const n: number = 1;\n  throw new Error('ts' + n);\n}\nmain();\n",
    );
    expect(typed).toMatchObject({ exitCode: 1 });
    expect(typed.stderr).toMatch(/^Error: ts1\n {4}at .*\(main\.ts:3:\d+\)/);
  });

  it('does not report rejections that are handled before the microtasks run out', async () => {
    const source = [
      "const late = Promise.reject(new Error('late'));",
      "queueMicrotask(() => late.catch(() => console.log('late handled')));",
      "async function fails() { throw new Error('inner'); }",
      'async function main() {',
      '  try { await fails(); } catch (e) { console.log(`caught ${e.message}`); }',
      "  for await (const line of require('readline').createInterface({ input: process.stdin })) console.log(line);",
      '  process.exitCode = 2;',
      '}',
      'main();',
      '',
    ].join('\n');
    expect(await run('javascript', source, 'a\nb\n')).toMatchObject({
      outcome: 'exited',
      exitCode: 2,
      stdout: 'caught inner\nlate handled\na\nb\n', // Node's order too
      stderr: '',
    });
  });

  it('runs a step whose memory limit differs from the spare in a worker of its own', async () => {
    const result = await run('javascript', "console.log('small');\n", '', {
      memoryBytes: 64 << 20,
    });
    expect(result).toMatchObject({ outcome: 'exited', exitCode: 0, stdout: 'small\n' });
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
