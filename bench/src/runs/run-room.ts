/** The bench's side of the run-members load generator (loadgen/run-members.ts). */
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { RunMemberRequests } from '../loadgen/run-members.js';

type Reply = { id: number; ok: true; result: unknown } | { id: number; ok: false; error: string };

export class RunRoom {
  private nextId = 1;
  private readonly pending = new Map<
    number,
    { resolve: (v: unknown) => void; reject: (e: Error) => void }
  >();

  private constructor(private readonly child: ChildProcess) {
    child.on('message', (msg: Reply) => {
      const p = this.pending.get(msg.id);
      if (!p) return;
      this.pending.delete(msg.id);
      if (msg.ok) p.resolve(msg.result);
      else p.reject(new Error(msg.error));
    });
    child.on('exit', (code, signal) => {
      for (const p of this.pending.values())
        p.reject(new Error(`run members exited (${signal ?? code})`));
      this.pending.clear();
    });
  }

  /** Forks the process and joins `members` clients to a fresh room of the server at `url`. */
  static async open(url: string, members: number): Promise<RunRoom> {
    const script = fileURLToPath(new URL('../loadgen/run-members.ts', import.meta.url));
    const child = fork(script, [], { execArgv: ['--import', 'tsx'], stdio: 'inherit' });
    const room = new RunRoom(child);
    await new Promise((resolve, reject) => room.pending.set(0, { resolve, reject }));
    try {
      await room.call('open', { url, members });
    } catch (err) {
      await room.stop();
      throw err;
    }
    return room;
  }

  call<K extends keyof RunMemberRequests>(
    name: K,
    args: RunMemberRequests[K]['args'],
    timeoutMs = 900_000,
  ): Promise<RunMemberRequests[K]['result']> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new Error(`${name} timed out after ${timeoutMs} ms`));
      }, timeoutMs);
      this.pending.set(id, {
        resolve: (v) => {
          clearTimeout(timer);
          resolve(v as RunMemberRequests[K]['result']);
        },
        reject: (e) => {
          clearTimeout(timer);
          reject(e);
        },
      });
      this.child.send({ id, name, args });
    });
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    await this.call('close', {}, 5000).catch(() => undefined);
    await new Promise<void>((resolve) => {
      const kill = setTimeout(() => this.child.kill('SIGKILL'), 5000);
      this.child.once('exit', () => {
        clearTimeout(kill);
        resolve();
      });
      this.child.kill('SIGTERM');
    });
  }
}
