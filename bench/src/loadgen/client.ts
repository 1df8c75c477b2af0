/** The bench's side of a load generator: fork it, send typed requests, stop it. */
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { ReplyMessage, RequestName, Requests } from './protocol.js';

export class LoadGen {
  private nextId = 1;
  private pending = new Map<
    number,
    { resolve: (v: unknown) => void; reject: (e: Error) => void }
  >();
  private exited: Error | undefined;

  private constructor(private readonly child: ChildProcess) {
    child.on('message', (msg: ReplyMessage) => {
      const p = this.pending.get(msg.id);
      if (!p) return;
      this.pending.delete(msg.id);
      if (msg.ok) p.resolve(msg.result);
      else p.reject(new Error(msg.error));
    });
    child.on('exit', (code, signal) => {
      this.exited = new Error(`load generator exited (${signal ?? code})`);
      for (const p of this.pending.values()) p.reject(this.exited);
      this.pending.clear();
    });
  }

  static async start(): Promise<LoadGen> {
    const script = fileURLToPath(new URL('./main.ts', import.meta.url));
    const child = fork(script, [], {
      execArgv: ['--import', 'tsx', '--max-old-space-size=4096'],
      stdio: 'inherit',
    });
    const gen = new LoadGen(child);
    await new Promise<void>((resolve, reject) => {
      gen.pending.set(0, { resolve: () => resolve(), reject });
    });
    return gen;
  }

  get pid(): number {
    return this.child.pid!;
  }

  call<K extends RequestName>(
    name: K,
    args: Requests[K]['args'],
    timeoutMs = 600_000,
  ): Promise<Requests[K]['result']> {
    if (this.exited) return Promise.reject(this.exited);
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new Error(`${name} timed out after ${timeoutMs} ms`));
      }, timeoutMs);
      this.pending.set(id, {
        resolve: (v) => {
          clearTimeout(timer);
          resolve(v as Requests[K]['result']);
        },
        reject: (e) => {
          clearTimeout(timer);
          reject(e);
        },
      });
      this.child.send({ id, name, args });
    });
  }

  stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return Promise.resolve();
    return new Promise((resolve) => {
      const kill = setTimeout(() => this.child.kill('SIGKILL'), 5000);
      this.child.once('exit', () => {
        clearTimeout(kill);
        resolve();
      });
      this.child.kill('SIGTERM');
    });
  }
}
