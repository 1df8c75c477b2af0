import { createRequire } from 'node:module';
import path from 'node:path';
import { loadPyodide, version as pyodideVersion } from 'pyodide';
import type { PyodideInterface } from 'pyodide';
import type { Runner, RunContext } from './runner.js';

/** Emscripten's errno for "operation not permitted" (not Linux's). */
const EPERM = 63;

/** Wasm imports through which Pyodide's glue reaches the host in Node; each is refused. */
const REFUSED_IMPORTS: Record<string, () => number> = {
  // os.system() would run a host shell through child_process.
  _emscripten_system: () => -1,
  // Sockets are real TCP connections from the host in Node.
  __syscall_socket: () => -EPERM,
  __syscall_socketpair: () => -EPERM,
  __syscall_connect: () => -EPERM,
  __syscall_bind: () => -EPERM,
  __syscall_listen: () => -EPERM,
  __syscall_accept4: () => -EPERM,
  __syscall_sendto: () => -EPERM,
  __syscall_sendmsg: () => -EPERM,
  __syscall_recvfrom: () => -EPERM,
  __syscall_recvmsg: () => -EPERM,
  emscripten_websocket_new: () => -1,
  // C code (ctypes) could ask the glue to eval JavaScript.
  emscripten_run_script: () => 0,
  emscripten_run_script_int: () => 0,
  emscripten_run_script_string: () => 0,
  emscripten_async_run_script: () => 0,
};

/** Runs `driver.run(source, filename)` in a fresh `__main__` and prints tracebacks like CPython. */
const DRIVER = `
import sys, traceback, types

def _tandem_status(code):
    if code is None:
        return 0
    if isinstance(code, int):
        return code & 0xFF
    print(code, file=sys.stderr)
    return 1

def _tandem_run(source, filename):
    main = types.ModuleType('__main__')
    main.__file__ = filename
    sys.modules['__main__'] = main
    sys.argv = [filename]
    status, error = 0, ''
    try:
        exec(compile(source, filename, 'exec'), main.__dict__)
    except SystemExit as e:
        status = _tandem_status(e.code)
    except BaseException as e:
        tb = e.__traceback__
        if tb is not None and tb.tb_frame.f_code is _tandem_run.__code__:
            tb = tb.tb_next
        error = type(e).__name__
        try:
            traceback.print_exception(type(e), e, tb)
        except BaseException:
            pass
        status = 1
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except BaseException:
            pass
    return f'{status} {error}'
`;

/** After the driver is defined: Python may no longer reach Pyodide's JS API object. */
const SEAL = `
import sys
for _name in ('pyodide_js', 'js'):
    sys.modules.pop(_name, None)
del _name
`;

export async function loadPython(): Promise<Runner> {
  let memoryCap = Number.POSITIVE_INFINITY;
  let memoryRefused = false;
  let exitStatus: number | null = null;
  let memory: WasmMemory | null = null;

  const { default: createModule } = (await import('pyodide/pyodide.asm.mjs' as string)) as {
    default: (settings: EmscriptenSettings) => Promise<unknown>;
  };

  const py: PyodideInterface = await loadPyodide({
    // Files of the npm package, read before the thread is locked down: no network.
    indexURL:
      path.dirname(createRequire(import.meta.url).resolve('pyodide/package.json')) + path.sep,
    // What `import js` gives Python: nothing of this thread.
    jsglobals: Object.create(null) as object,
    env: { HOME: '/home/pyodide', LANG: 'C.UTF-8' },
    stdout: () => {},
    stderr: () => {},
    checkAPIVersion: true,
    createPyodideModule: ((settings: EmscriptenSettings) =>
      createModule({
        ...settings,
        instantiateWasm(imports, done) {
          const env = imports.env as Record<string, unknown>;
          for (const [name, refuse] of Object.entries(REFUSED_IMPORTS)) {
            if (name in env) env[name] = refuse;
          }
          const resize = env.emscripten_resize_heap as (size: number) => number;
          env.emscripten_resize_heap = (size: number) => {
            if (size > memoryCap) {
              memoryRefused = true;
              return 0;
            }
            return resize(size);
          };
          for (const name of ['proc_exit', 'exit']) {
            const original = env[name] as (code: number) => never;
            env[name] = (code: number) => {
              exitStatus = code;
              return original(code);
            };
          }
          if (isMemory(env.memory)) memory = env.memory;
          return settings.instantiateWasm(imports, (instance, module) => {
            const exported = instance.exports.memory;
            if (isMemory(exported)) memory = exported;
            done(instance, module);
          });
        },
      })) as never,
  });

  // No route back to the loader: unregistered, and the methods that read host files gone.
  py.unregisterJsModule('pyodide_js');
  const api = py as unknown as Record<string, unknown>;
  for (const name of ['mountNodeFS', 'mountNativeFS', 'loadPackage', 'loadPackagesFromImports']) {
    api[name] = undefined;
  }
  const fs = py.FS;
  py.runPython(DRIVER);
  const run = py.globals.get('_tandem_run') as (source: string, filename: string) => string;
  py.runPython(SEAL);
  delete (fs.filesystems as Record<string, unknown>).NODEFS;

  return {
    version: `Python ${py.runPython('import platform; platform.python_version()') as string} (Pyodide ${pyodideVersion})`,
    run(ctx: RunContext) {
      memoryCap = ctx.memoryBytes;
      fs.writeFile(ctx.filename, ctx.source);
      for (const file of ctx.files) fs.writeFile(file.name, file.content);

      const stdin = new TextEncoder().encode(ctx.stdin);
      let offset = 0;
      py.setStdin({
        read(buffer: Uint8Array) {
          const n = Math.min(buffer.length, stdin.length - offset);
          buffer.set(stdin.subarray(offset, offset + n));
          offset += n;
          return n;
        },
      });
      // After os._exit() the program is gone: what follows (Pyodide's dump of
      // the Python stack as the interpreter stops) is not its output.
      const stream = (write: (bytes: Uint8Array) => number) => ({
        write: (bytes: Uint8Array) => (exitStatus === null ? write(bytes) : bytes.length),
      });
      py.setStdout(stream((bytes) => ctx.stdout(bytes)));
      py.setStderr(stream((bytes) => ctx.stderr(bytes)));

      let status: number;
      let error: string;
      try {
        const [code, name] = run(ctx.source, ctx.filename).split(' ');
        status = Number(code);
        error = name ?? '';
      } catch (err) {
        // The interpreter itself stopped: os._exit(), or a fatal error (often out of memory).
        if (exitStatus !== null) return { kind: 'exited', exitCode: exitStatus & 0xff };
        if (memoryRefused || err instanceof RangeError) return { kind: 'memory_limit' };
        // Something the program did (ctypes, a corrupted heap) broke the interpreter: its error.
        ctx.stderr(new TextEncoder().encode(`\nthe Python interpreter stopped: ${String(err)}\n`));
        return { kind: 'exited', exitCode: 1 };
      }
      if (error === 'MemoryError' || (memoryRefused && status !== 0))
        return { kind: 'memory_limit' };
      return { kind: 'exited', exitCode: status };
    },
    memoryKb: () => Math.round((memory?.buffer.byteLength ?? 0) / 1024),
  };
}

interface EmscriptenSettings {
  instantiateWasm: (
    imports: Record<string, unknown>,
    done: (instance: { exports: Record<string, unknown> }, module: unknown) => void,
  ) => unknown;
  [key: string]: unknown;
}

/** A `WebAssembly.Memory`, typed by what we use (the package is built without DOM types). */
interface WasmMemory {
  buffer: ArrayBuffer;
}

function isMemory(value: unknown): value is WasmMemory {
  return (
    typeof value === 'object' &&
    value !== null &&
    (value as WasmMemory).buffer instanceof ArrayBuffer
  );
}
