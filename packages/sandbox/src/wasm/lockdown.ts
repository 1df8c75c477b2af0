import { createRequire, syncBuiltinESMExports } from 'node:module';

/**
 * Takes the host's capabilities away from this worker thread once the
 * interpreter is loaded and before any untrusted code runs.
 *
 * The interpreters are the real boundary (QuickJS sees only what we hand it;
 * Pyodide sees only the JS objects we leave reachable), but Pyodide's glue is
 * written for a trusted Node host and keeps `node:fs`, `node:child_process`
 * and `node:net` in closures. This is the backstop for any route to them we
 * did not find: every function of those modules throws in this thread, code
 * generation from strings is gone (no `Function('return process')()`), and
 * the host globals are deleted. Builtin modules are per thread, so the host
 * thread is unaffected.
 */
export function lockDownThread(): void {
  const require = createRequire(import.meta.url);
  for (const name of DENIED_MODULES) {
    let exports: Record<string, unknown>;
    try {
      exports = require(`node:${name}`) as Record<string, unknown>;
    } catch {
      continue;
    }
    blockFunctions(exports, name);
    if (name === 'fs') blockFunctions(exports.promises as Record<string, unknown>, name);
  }
  // Named ESM imports of builtins (`import { readFile } from 'node:fs'`) see the change too.
  syncBuiltinESMExports();

  const proc = process as unknown as Record<string, unknown>;
  for (const name of DENIED_PROCESS_METHODS) {
    if (typeof proc[name] === 'function') proc[name] = blocked(`process.${name}`);
  }

  for (const sample of [
    function () {},
    async function () {},
    function* () {},
    async function* () {},
  ]) {
    Object.defineProperty(Object.getPrototypeOf(sample), 'constructor', {
      value: blocked('code generation from strings'),
      writable: false,
      configurable: false,
    });
  }
  const global = globalThis as unknown as Record<string, unknown>;
  global.eval = blocked('eval');
  global.Function = blocked('Function');
  for (const name of DELETED_GLOBALS) delete global[name];
}

function blockFunctions(exports: Record<string, unknown> | undefined, moduleName: string): void {
  if (!exports) return;
  for (const key of Object.keys(exports)) {
    if (typeof exports[key] !== 'function') continue;
    try {
      exports[key] = blocked(`${moduleName}.${key}`);
    } catch {
      // A non-writable export cannot be reached by the program either.
    }
  }
}

function blocked(what: string): () => never {
  return () => {
    throw new Error(`${what} is not available in the sandbox`);
  };
}

const DENIED_MODULES = [
  'fs',
  'fs/promises',
  'child_process',
  'net',
  'tls',
  'http',
  'https',
  'http2',
  'dgram',
  'dns',
  'dns/promises',
  'vm',
  'v8',
  'inspector',
  'module',
  'worker_threads',
  'cluster',
  'wasi',
  'repl',
  'os',
];

const DENIED_PROCESS_METHODS = [
  'binding',
  '_linkedBinding',
  'dlopen',
  'getBuiltinModule',
  'kill',
  'chdir',
  'setuid',
  'setgid',
  'seteuid',
  'setegid',
  'setgroups',
  'initgroups',
  'loadEnvFile',
];

const DELETED_GLOBALS = [
  'process',
  'require',
  'module',
  'fetch',
  'Request',
  'Response',
  'Headers',
  'WebSocket',
  'EventSource',
  'XMLHttpRequest',
  'navigator',
  'Buffer',
];
