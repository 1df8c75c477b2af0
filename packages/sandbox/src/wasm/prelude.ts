/**
 * What a JavaScript program sees inside QuickJS: a small, Node-like surface
 * with no host behind it.
 *
 * - `console.log/info/debug` (stdout), `console.error/warn` (stderr), with
 *   Node-like formatting of objects and arrays;
 * - `process.stdout.write`, `process.stderr.write`, `process.exit(code)`,
 *   `process.exitCode`, `process.argv`, an empty `process.env`, and
 *   `process.stdin` (`on('data' | 'end')`, `read()`);
 * - `require('fs').readFileSync(0 | '/dev/stdin', 'utf8')` (all of stdin; any
 *   other path fails with ENOENT), `require('readline').createInterface(...)`
 *   with `on('line' | 'close')` and `for await`, `require('util').inspect`;
 *   any other module fails with MODULE_NOT_FOUND;
 * - `Buffer` (`alloc`, `from`, `concat`, `byteLength`, `toString()` as UTF-8);
 * - `input()` and `readInput()`: the next line of stdin (null at the end),
 *   all of the remaining stdin;
 * - `setTimeout`, `setInterval`, `setImmediate`, `queueMicrotask` on a
 *   virtual clock: timers fire in order, without waiting;
 * - a promise rejection left unhandled ends the program with exit code 1,
 *   as in Node (see `__tandem_take_unhandled`).
 *
 * Evaluated once per run before the program; it takes the three host
 * functions (`__tandem_write`, `__tandem_exit`, `__tandem_stdin`) into its
 * closure and deletes them from the global object.
 */
export const PRELUDE = String.raw`
(function () {
  'use strict';
  var g = globalThis;
  var write = g.__tandem_write, hostExit = g.__tandem_exit, stdin = String(g.__tandem_stdin);
  delete g.__tandem_write; delete g.__tandem_exit; delete g.__tandem_stdin;

  var stdinOffset = 0;
  function takeAll() { var rest = stdin.slice(stdinOffset); stdinOffset = stdin.length; return rest; }
  function takeLine() {
    if (stdinOffset >= stdin.length) return null;
    var end = stdin.indexOf('\n', stdinOffset);
    var line = end < 0 ? stdin.slice(stdinOffset) : stdin.slice(stdinOffset, end);
    stdinOffset = end < 0 ? stdin.length : end + 1;
    return line.endsWith('\r') ? line.slice(0, -1) : line;
  }

  function ExitSignal(code) { this.code = code; }
  function exit(code) {
    var status = code === undefined ? (process.exitCode || 0) : Number(code) | 0;
    hostExit(status);
    throw new ExitSignal(status);
  }

  // Timers: a virtual clock; the host runs them once the microtasks are done.
  var timers = [], timerSeq = 0, now = 0;
  function addTimer(fn, ms, args, repeat) {
    if (typeof fn !== 'function') throw new TypeError('The "callback" argument must be of type function');
    var delay = Math.max(1, Number(ms) || 0);
    var t = { id: ++timerSeq, at: now + delay, seq: timerSeq, fn: fn, args: args, every: repeat ? delay : 0 };
    timers.push(t);
    return t.id;
  }
  function clearTimer(id) {
    for (var i = 0; i < timers.length; i++) if (timers[i].id === id) { timers.splice(i, 1); return; }
  }
  g.setTimeout = function (fn, ms) { return addTimer(fn, ms, Array.prototype.slice.call(arguments, 2), false); };
  g.setInterval = function (fn, ms) { return addTimer(fn, ms, Array.prototype.slice.call(arguments, 2), true); };
  g.setImmediate = function (fn) { return addTimer(fn, 0, Array.prototype.slice.call(arguments, 1), false); };
  g.clearTimeout = g.clearInterval = g.clearImmediate = clearTimer;
  g.queueMicrotask = function (fn) { Promise.resolve().then(fn); };
  /** Runs the next due timer; false when none is left. */
  g.__tandem_next_timer = function () {
    if (timers.length === 0) return false;
    var next = 0;
    for (var i = 1; i < timers.length; i++) {
      var a = timers[i], b = timers[next];
      if (a.at < b.at || (a.at === b.at && a.seq < b.seq)) next = i;
    }
    var t = timers[next];
    now = t.at;
    if (t.every) { t.at = now + t.every; t.seq = ++timerSeq; } else timers.splice(next, 1);
    t.fn.apply(undefined, t.args);
    return true;
  };

  function inspect(value, depth, seen) {
    depth = depth || 0; seen = seen || [];
    if (typeof value === 'string') return depth === 0 ? value : "'" + value.replace(/\\/g, '\\\\').replace(/'/g, "\\'").replace(/\n/g, '\\n') + "'";
    if (typeof value === 'bigint') return String(value) + 'n';
    if (typeof value === 'symbol') return value.toString();
    if (typeof value === 'function') return '[Function: ' + (value.name || '(anonymous)') + ']';
    if (value === null || typeof value !== 'object') return Object.is(value, -0) ? '-0' : String(value);
    if (value instanceof Error) return value.stack ? value.name + ': ' + value.message + '\n' + value.stack.replace(/\n$/, '') : String(value);
    if (seen.indexOf(value) >= 0) return '[Circular *1]';
    if (depth > 2) return Array.isArray(value) ? '[Array]' : '[Object]';
    seen = seen.concat([value]);
    var parts, open, close;
    if (Array.isArray(value)) {
      parts = value.slice(0, 100).map(function (v) { return inspect(v, depth + 1, seen); });
      if (value.length > 100) parts.push('... ' + (value.length - 100) + ' more items');
      open = '['; close = ']';
    } else if (value instanceof Map) {
      parts = []; value.forEach(function (v, k) { parts.push(inspect(k, depth + 1, seen) + ' => ' + inspect(v, depth + 1, seen)); });
      open = 'Map(' + value.size + ') {'; close = '}';
    } else if (value instanceof Set) {
      parts = []; value.forEach(function (v) { parts.push(inspect(v, depth + 1, seen)); });
      open = 'Set(' + value.size + ') {'; close = '}';
    } else {
      parts = Object.keys(value).map(function (k) {
        var key = /^[A-Za-z_$][\w$]*$/.test(k) ? k : "'" + k + "'";
        return key + ': ' + inspect(value[k], depth + 1, seen);
      });
      var ctor = value.constructor && value.constructor !== Object && value.constructor.name;
      open = (ctor ? ctor + ' ' : '') + '{'; close = '}';
    }
    if (parts.length === 0) return open === '[' ? '[]' : open + '}';
    var flat = open + ' ' + parts.join(', ') + ' ' + close;
    if (flat.length <= 72) return flat;
    var pad = '  '.repeat(depth + 1);
    return open + '\n' + pad + parts.join(',\n' + pad) + '\n' + '  '.repeat(depth) + close;
  }
  function format(args) {
    var first = args[0], rest = 1, out = '';
    if (typeof first === 'string' && /%[sdifjoO%]/.test(first)) {
      out = first.replace(/%([sdifjoO%])/g, function (m, f) {
        if (f === '%') return '%';
        if (rest >= args.length) return m;
        var a = args[rest++];
        if (f === 's') return typeof a === 'string' ? a : inspect(a, 1);
        if (f === 'd' || f === 'i') return String(f === 'i' ? parseInt(a, 10) : Number(a));
        if (f === 'f') return String(parseFloat(a));
        if (f === 'j') return JSON.stringify(a);
        return inspect(a, 1);
      });
    } else {
      rest = 0;
    }
    var tail = [];
    for (var i = rest; i < args.length; i++) tail.push(inspect(args[i]));
    return out + (out && tail.length ? ' ' : '') + tail.join(' ');
  }
  function out(fd) { return function () { write(fd, format(Array.prototype.slice.call(arguments)) + '\n'); }; }
  g.console = { log: out(1), info: out(1), debug: out(1), error: out(2), warn: out(2), trace: out(2) };

  function Emitter() { this.handlers = {}; }
  Emitter.prototype.on = function (name, fn) { (this.handlers[name] = this.handlers[name] || []).push(fn); return this; };
  Emitter.prototype.addListener = Emitter.prototype.on;
  Emitter.prototype.once = Emitter.prototype.on;
  Emitter.prototype.emit = function (name) {
    var args = Array.prototype.slice.call(arguments, 1);
    (this.handlers[name] || []).slice().forEach(function (fn) { fn.apply(undefined, args); });
    return true;
  };

  var stdinStream = new Emitter();
  var stdinScheduled = false;
  var stdinEncoding = null;
  stdinStream.setEncoding = function (encoding) { stdinEncoding = encoding || 'utf8'; return stdinStream; };
  stdinStream.resume = function () { return stdinStream; };
  stdinStream.pause = function () { return stdinStream; };
  stdinStream.read = function () { var rest = takeAll(); return rest.length ? Buffer.from(rest) : null; };
  stdinStream.fd = 0;
  stdinStream.on = function (name, fn) {
    Emitter.prototype.on.call(stdinStream, name, fn);
    if ((name === 'data' || name === 'end') && !stdinScheduled) {
      stdinScheduled = true;
      g.setImmediate(function () {
        var rest = takeAll();
        if (rest.length) stdinStream.emit('data', stdinEncoding ? rest : Buffer.from(rest));
        stdinStream.emit('end');
      });
    }
    return stdinStream;
  };

  var process = {
    argv: ['node', '/main.js'], env: {}, platform: 'linux', version: 'v20.0.0', versions: {},
    exitCode: undefined, exit: exit, stdin: stdinStream,
    stdout: { write: function (s) { write(1, text(s)); return true; }, isTTY: false },
    stderr: { write: function (s) { write(2, text(s)); return true; }, isTTY: false },
    on: function () { return process; },
    nextTick: function (fn) { var args = Array.prototype.slice.call(arguments, 1); Promise.resolve().then(function () { fn.apply(undefined, args); }); },
    hrtime: { bigint: function () { return BigInt(Math.round(Date.now() * 1e6)); } },
    memoryUsage: function () { return { rss: 0, heapUsed: 0, heapTotal: 0 }; },
  };
  g.process = process;

  function enoent(path) {
    var err = new Error("ENOENT: no such file or directory, open '" + path + "'");
    err.code = 'ENOENT'; err.errno = -2; err.syscall = 'open'; err.path = path;
    return err;
  }
  // Enough of Buffer for reading input and allocating bytes; UTF-8 through the URI functions.
  function utf8Bytes(text) { var bin = unescape(encodeURIComponent(text)), out = new Buffer(bin.length); for (var i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i); return out; }
  function utf8Text(bytes) {
    var bin = '';
    for (var i = 0; i < bytes.length; i += 8192) bin += String.fromCharCode.apply(null, Array.prototype.slice.call(bytes, i, i + 8192));
    try { return decodeURIComponent(escape(bin)); } catch (e) { return bin; }
  }
  class Buffer extends Uint8Array {
    static alloc(size, fill) { var b = new Buffer(size); if (fill !== undefined) b.fill(typeof fill === 'string' ? fill.charCodeAt(0) : fill); return b; }
    static allocUnsafe(size) { return new Buffer(size); }
    static from(value) {
      if (typeof value === 'string') return utf8Bytes(value);
      var b = new Buffer(value.length); b.set(value); return b;
    }
    static isBuffer(value) { return value instanceof Buffer; }
    static byteLength(text) { return typeof text === 'string' ? unescape(encodeURIComponent(text)).length : text.length; }
    static concat(list) {
      var size = 0; list.forEach(function (b) { size += b.length; });
      var out = new Buffer(size), at = 0; list.forEach(function (b) { out.set(b, at); at += b.length; });
      return out;
    }
    toString() { return utf8Text(this); }
  }
  g.Buffer = Buffer;
  function text(value) { return value instanceof Uint8Array ? utf8Text(value) : String(value); }

  var fs = {
    readFileSync: function (path, options) {
      if (path === 0 || path === '/dev/stdin') {
        var all = takeAll();
        return options ? all : Buffer.from(all);
      }
      throw enoent(path);
    },
    writeFileSync: function (path, data) {
      if (path === 1 || path === '/dev/stdout') return write(1, text(data));
      if (path === 2 || path === '/dev/stderr') return write(2, text(data));
      throw enoent(path);
    },
    writeSync: function (fd, data) { if (fd === 1 || fd === 2) { write(fd, text(data)); return; } throw enoent(fd); },
    existsSync: function () { return false; },
  };

  function createInterface() {
    var rl = new Emitter(), closed = false, scheduled = false;
    function pump() {
      var line;
      while (!closed && (line = takeLine()) !== null) rl.emit('line', line);
      rl.close();
    }
    rl.on = function (name, fn) {
      Emitter.prototype.on.call(rl, name, fn);
      if ((name === 'line' || name === 'close') && !scheduled) { scheduled = true; g.setImmediate(pump); }
      return rl;
    };
    rl.close = function () { if (!closed) { closed = true; rl.emit('close'); } };
    rl.question = function (query, fn) { write(1, String(query)); var l = takeLine(); g.setImmediate(function () { fn(l === null ? '' : l); }); };
    rl.setPrompt = function () {}; rl.prompt = function () {};
    rl[Symbol.asyncIterator] = function () {
      return { next: function () { var l = closed ? null : takeLine(); return Promise.resolve(l === null ? { done: true, value: undefined } : { done: false, value: l }); },
               return: function () { rl.close(); return Promise.resolve({ done: true, value: undefined }); },
               [Symbol.asyncIterator]: function () { return this; } };
    };
    return rl;
  }

  var modules = {
    fs: fs, buffer: { Buffer: Buffer }, readline: { createInterface: createInterface },
    util: { inspect: function (v) { return inspect(v, 1); }, format: function () { return format(Array.prototype.slice.call(arguments)); } },
    process: process,
  };
  g.require = function (name) {
    var key = String(name).replace(/^node:/, '');
    if (Object.prototype.hasOwnProperty.call(modules, key)) return modules[key];
    var err = new Error("Cannot find module '" + name + "' (not available in the WebAssembly sandbox)");
    err.code = 'MODULE_NOT_FOUND';
    throw err;
  };
  // Unhandled rejections, as Node reports them: a promise rejected with no
  // handler once the microtasks are drained ends the program. QuickJS has no
  // hook for that, so Promise is a subclass that watches its instances (the
  // host lowers async functions to it when the program has any).
  var NativePromise = Promise, nativeThen = NativePromise.prototype.then;
  var handled = new WeakSet(), unhandled = [], watching = true;
  function forget(promise) {
    handled.add(promise);
    for (var i = 0; i < unhandled.length; i++) if (unhandled[i].promise === promise) { unhandled.splice(i, 1); return; }
  }
  class TrackedPromise extends NativePromise {
    constructor(executor) {
      super(executor);
      if (!watching) return;
      var self = this;
      watching = false;
      try {
        nativeThen.call(self, undefined, function (reason) {
          if (!handled.has(self)) unhandled.push({ promise: self, reason: reason });
        });
      } finally { watching = true; }
    }
    then(onFulfilled, onRejected) {
      forget(this);
      return super.then(onFulfilled, onRejected);
    }
  }
  Object.defineProperty(TrackedPromise, 'name', { value: 'Promise' });
  g.Promise = TrackedPromise;
  /** The reason of the first rejection left unhandled, in a box; null when there is none. */
  g.__tandem_take_unhandled = function () {
    var first = unhandled.shift();
    unhandled = [];
    return first ? { reason: first.reason } : null;
  };

  g.input = function () { return takeLine(); };
  g.readInput = takeAll;
  g.__tandem_is_exit = function (e) { return e instanceof ExitSignal; };
})();
`;
