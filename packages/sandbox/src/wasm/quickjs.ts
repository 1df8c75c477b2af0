import { newQuickJSWASMModuleFromVariant } from 'quickjs-emscripten-core';
import type { QuickJSContext, QuickJSHandle, QuickJSRuntime } from 'quickjs-emscripten-core';
import { PRELUDE } from './prelude.js';
import type { RunContext, RunEnd, Runner } from './runner.js';
import { positionMapper } from './source-map.js';
import { OutputLimitError } from './runner.js';

/** The QuickJS release vendored by the pinned `@jitl/quickjs-wasmfile-release-sync`. */
export const QUICKJS_VERSION = 'QuickJS 2025-09-13';

/** QuickJS's own stack cap; deep recursion ends in a RangeError (a runtime error), not a crash. */
const STACK_BYTES = 1024 * 1024;
/** Node's CommonJS wrapper, on the program's first line so line numbers match. */
const COMMONJS_WRAPPER = '(function (exports, require, module, __filename, __dirname) {';
/** Like Node's default `Error.stackTraceLimit`. */
const MAX_FRAMES = 10;

export async function loadQuickJs(): Promise<Runner> {
  const quickjs = await newQuickJSWASMModuleFromVariant(
    import('@jitl/quickjs-wasmfile-release-sync'),
  );
  let memoryKb = 0;
  return {
    version: QUICKJS_VERSION,
    run(ctx: RunContext): RunEnd {
      const runtime = quickjs.newRuntime();
      runtime.setMemoryLimit(ctx.memoryBytes);
      runtime.setMaxStackSize(STACK_BYTES);
      const vm = runtime.newContext();
      try {
        return runProgram(runtime, vm, ctx);
      } finally {
        memoryKb = measureKb(runtime, vm);
        vm.dispose();
        runtime.dispose();
      }
    },
    memoryKb: () => memoryKb,
  };
}

type Stop = 'time' | 'exit' | 'output' | null;

function runProgram(runtime: QuickJSRuntime, vm: QuickJSContext, ctx: RunContext): RunEnd {
  const deadline = performance.now() + ctx.timeMs;
  let stop: Stop = null;
  let exitCode: number | null = null;
  runtime.setInterruptHandler(() => {
    if (stop) return true;
    if (performance.now() < deadline) return false;
    stop = 'time';
    return true;
  });

  const encoder = new TextEncoder();
  const write = vm.newFunction('write', (fd, text) => {
    if (stop) return;
    const bytes = encoder.encode(vm.getString(text));
    try {
      if (vm.getNumber(fd) === 2) ctx.stderr(bytes);
      else ctx.stdout(bytes);
    } catch (err) {
      if (err instanceof OutputLimitError) stop = 'output';
      throw err;
    }
  });
  const exit = vm.newFunction('exit', (code) => {
    exitCode = vm.getNumber(code);
    stop = 'exit';
  });
  const stdin = vm.newString(ctx.stdin);
  vm.setProp(vm.global, '__tandem_write', write);
  vm.setProp(vm.global, '__tandem_exit', exit);
  vm.setProp(vm.global, '__tandem_stdin', stdin);
  for (const handle of [write, exit, stdin]) handle.dispose();
  vm.unwrapResult(vm.evalCode(PRELUDE, 'prelude.js')).dispose();

  const wrapped = `${COMMONJS_WRAPPER}${ctx.source}\n})`;
  let failure: QuickJSHandle | null = null;
  const fn = vm.evalCode(wrapped, ctx.filename);
  if (fn.error) failure = fn.error;
  else {
    vm.setProp(vm.global, '__tandem_main', fn.value);
    fn.value.dispose();
    const filename = JSON.stringify(`/${ctx.filename}`);
    const result = vm.evalCode(
      `(function () { var module = { exports: {} }, main = globalThis.__tandem_main; delete globalThis.__tandem_main; return main.call(module.exports, module.exports, require, module, ${filename}, '/'); })()`,
      'prelude.js',
    );
    if (result.error) failure = result.error;
    else result.value.dispose();
  }

  // The event loop: microtasks first, then the next timer, until nothing is left.
  let rejection = false;
  while (!failure && !stop) {
    const jobs = runtime.executePendingJobs();
    if (jobs.error) {
      failure = jobs.error;
      break;
    }
    // Like Node: a rejection still unhandled once the microtasks ran ends the program.
    const unhandled = vm.evalCode(
      '(function () { var taken = __tandem_take_unhandled(); if (taken) throw taken.reason; })()',
      'prelude.js',
    );
    if (unhandled.error) {
      failure = unhandled.error;
      rejection = true;
      break;
    }
    unhandled.value.dispose();
    const next = vm.evalCode('__tandem_next_timer()', 'prelude.js');
    if (next.error) {
      failure = next.error;
      break;
    }
    const more = vm.dump(next.value) as boolean;
    next.value.dispose();
    if (!more && !runtime.hasPendingJob()) break;
  }

  if (stop === 'time') return disposeAnd(failure, { kind: 'time_limit' });
  if (stop === 'output') return disposeAnd(failure, { kind: 'output_limit' });
  if (stop === 'exit') return disposeAnd(failure, { kind: 'exited', exitCode: exitCode ?? 0 });
  if (failure) {
    if (isExitSignal(vm, failure))
      return disposeAnd(failure, { kind: 'exited', exitCode: exitCode ?? 0 });
    const frame = frameMapper(ctx);
    const report = rejection
      ? describeRejection(vm, failure, frame)
      : describeError(vm, failure, frame);
    failure.dispose();
    if (/out of memory/i.test(report)) return { kind: 'memory_limit' };
    try {
      ctx.stderr(encoder.encode(rejection ? `${report}\n` : `Uncaught ${report}\n`));
    } catch (err) {
      if (err instanceof OutputLimitError) return { kind: 'output_limit' };
      throw err;
    }
    return { kind: 'exited', exitCode: 1 };
  }
  const code = vm.evalCode('Number(process.exitCode) | 0', 'prelude.js');
  const status = code.error ? 0 : (vm.dump(code.value) as number);
  (code.error ?? code.value).dispose();
  return { kind: 'exited', exitCode: status };
}

function isExitSignal(vm: QuickJSContext, error: QuickJSHandle): boolean {
  const check = vm.getProp(vm.global, '__tandem_is_exit');
  const result = vm.callFunction(check, vm.undefined, error);
  check.dispose();
  if (result.error) {
    result.error.dispose();
    return false;
  }
  const yes = vm.dump(result.value) === true;
  result.value.dispose();
  return yes;
}

/** Rewrites a stack line to the program as written; null drops it (not the program's). */
type FrameMapper = (line: string) => string | null;

/**
 * Positions in the program's own file: the wrapper's columns taken off its
 * first line, then back through the source map when the code was lowered.
 * Frames in code only the lowering added (its helpers) are dropped.
 */
function frameMapper(ctx: RunContext): FrameMapper {
  const map = ctx.sourceMap === undefined ? null : positionMapper(ctx.sourceMap);
  const file = ctx.filename.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const position = new RegExp(`${file}:(\\d+):(\\d+)`);
  return (frame) => {
    const found = position.exec(frame);
    if (!found) return frame;
    let line = Number(found[1]);
    let column = Number(found[2]);
    if (line === 1) column = Math.max(1, column - COMMONJS_WRAPPER.length);
    if (map) {
      const original = map(line, column);
      if (!original) return null;
      ({ line, column } = original);
    }
    return frame.replace(position, `${ctx.filename}:${line}:${column}`);
  };
}

/** `Name: message` and QuickJS's stack lines, like Node's report of an uncaught error. */
function describeError(vm: QuickJSContext, error: QuickJSHandle, frame: FrameMapper): string {
  const dumped: unknown = vm.dump(error);
  if (dumped && typeof dumped === 'object' && 'message' in dumped) {
    const { name, message, stack } = dumped as { name?: string; message?: string; stack?: string };
    // The prelude's frames (the CommonJS call) are ours, not the program's.
    const frames = (stack ?? '')
      .split('\n')
      .filter((line) => line.trim() && !line.includes('prelude.js') && !line.includes('(native)'))
      .map(frame)
      .filter((line): line is string => line !== null)
      .slice(0, MAX_FRAMES);
    return [`${name ?? 'Error'}: ${message ?? ''}`, ...frames].join('\n');
  }
  return typeof dumped === 'string' ? `'${dumped}'` : String(dumped);
}

/** Node's report of an unhandled rejection: the error, or a note naming a value that is not one. */
function describeRejection(vm: QuickJSContext, reason: QuickJSHandle, frame: FrameMapper): string {
  const report = describeError(vm, reason, frame);
  if (vm.typeof(reason) === 'object' && /^\w*Error: /.test(report)) return report;
  return (
    '[UnhandledPromiseRejection: This error originated either by throwing inside of an async ' +
    'function without a catch block, or by rejecting a promise which was not handled with ' +
    `.catch(). The promise rejected with the reason "${vm.typeof(reason) === 'string' ? (vm.dump(reason) as string) : report}".]`
  );
}

function disposeAnd(handle: QuickJSHandle | null, end: RunEnd): RunEnd {
  handle?.dispose();
  return end;
}

function measureKb(runtime: QuickJSRuntime, vm: QuickJSContext): number {
  try {
    const usage = runtime.computeMemoryUsage();
    const dumped = vm.dump(usage) as { memory_used_size?: number };
    usage.dispose();
    return Math.round((dumped.memory_used_size ?? 0) / 1024);
  } catch {
    return 0;
  }
}
