/**
 * Entry of one step's worker thread: loads one interpreter, locks the thread
 * down, runs one program, reports, and is terminated by the host.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { lockDownThread } from './lockdown.js';
import type { RunMessage, RunReport, WorkerInit, WorkerMessage } from './messages.js';
import { OutputCap } from './output.js';
import type { RunEnd, Runner } from './runner.js';
import { OutputLimitError } from './runner.js';

const port = parentPort;
if (!port) throw new Error('the wasm sandbox worker must run in a worker thread');
const post = (message: WorkerMessage): void => port.postMessage(message);

const { interpreter } = workerData as WorkerInit;
const runner: Runner =
  interpreter === 'python'
    ? await (await import('./python.js')).loadPython()
    : await (await import('./quickjs.js')).loadQuickJs();

port.once('message', (message: RunMessage) => {
  void run(message);
});
lockDownThread();
post({ type: 'ready', version: runner.version });

async function run(message: RunMessage): Promise<void> {
  const caps = { 1: new OutputCap(message.outputBytes), 2: new OutputCap(message.outputBytes) };
  let reported = false;
  const started = performance.now();
  const report = (end: RunEnd): void => {
    if (reported) return;
    reported = true;
    const full: RunReport = {
      outcome: end.kind === 'crashed' ? 'internal_error' : end.kind,
      exitCode: end.kind === 'exited' ? end.exitCode : null,
      cpuMs: Math.round(performance.now() - started),
      memoryKb: safeMemoryKb(),
    };
    if (end.kind === 'crashed') full.error = end.error;
    post({ type: 'done', report: full });
  };
  const sink = (fd: 1 | 2) => (bytes: Uint8Array) => {
    if (reported) throw new OutputLimitError();
    const cap = caps[fd];
    const kept = cap.take(bytes);
    if (kept.length > 0 || cap.truncated)
      post({ type: 'output', fd, bytes: kept, truncated: cap.truncated });
    if (cap.truncated) {
      // Report now: the program may catch the error and go on; the host ends it.
      report({ kind: 'output_limit' });
      throw new OutputLimitError();
    }
    return bytes.length;
  };

  post({ type: 'started' });
  let end: RunEnd;
  try {
    end = await runner.run({
      source: message.source,
      filename: message.filename,
      ...(message.sourceMap === undefined ? {} : { sourceMap: message.sourceMap }),
      files: message.files,
      stdin: message.stdin,
      timeMs: message.timeMs,
      memoryBytes: message.memoryBytes,
      stdout: sink(1),
      stderr: sink(2),
    });
  } catch (err) {
    end =
      err instanceof OutputLimitError
        ? { kind: 'output_limit' }
        : { kind: 'crashed', error: String(err) };
  }
  report(end);
}

function safeMemoryKb(): number {
  try {
    return runner.memoryKb();
  } catch {
    return 0;
  }
}
