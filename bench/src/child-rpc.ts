/**
 * Typed request/reply with a forked child process, shared by the bench's load
 * generators: the child sends `{ id: 0, ok: true }` once ready, then answers
 * each `{ id, name, args }` with `{ id, ok, result | error }`.
 */
import { fork, type ChildProcess } from 'node:child_process';

type Reply = { id: number; ok: true; result?: unknown } | { id: number; ok: false; error: string };

export type RequestMap<R> = { [K in keyof R]: { args: unknown; result: unknown } };

export class ChildRpc<R extends RequestMap<R>> {
  private nextId = 1;
  private readonly pending = new Map<
    number,
    { resolve: (v: unknown) => void; reject: (e: Error) => void }
  >();
  private exited: Error | undefined;

  private constructor(
    readonly child: ChildProcess,
    label: string,
  ) {
    child.on('message', (msg: Reply) => {
      const p = this.pending.get(msg.id);
      if (!p) return;
      this.pending.delete(msg.id);
      if (msg.ok) p.resolve(msg.result);
      else p.reject(new Error(msg.error));
    });
    child.on('exit', (code, signal) => {
      this.exited = new Error(`${label} exited (${signal ?? code})`);
      for (const p of this.pending.values()) p.reject(this.exited);
      this.pending.clear();
    });
  }

  /** Forks `script` and resolves once the child says it is ready. */
  static async fork<R extends RequestMap<R>>(
    script: string,
    execArgv: string[],
    label: string,
  ): Promise<ChildRpc<R>> {
    const rpc = new ChildRpc<R>(fork(script, [], { execArgv, stdio: 'inherit' }), label);
    await new Promise((resolve, reject) => rpc.pending.set(0, { resolve, reject }));
    return rpc;
  }

  call<K extends keyof R & string>(
    name: K,
    args: R[K]['args'],
    timeoutMs: number,
  ): Promise<R[K]['result']> {
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
          resolve(v as R[K]['result']);
        },
        reject: (e) => {
          clearTimeout(timer);
          reject(e);
        },
      });
      this.child.send({ id, name, args });
    });
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** SIGTERM, then SIGKILL after 5 s; resolves when the child has exited. */
  stop(): Promise<void> {
    if (!this.running) return Promise.resolve();
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
