/** The bench's side of the run-members load generator (loadgen/run-members.ts). */
import { fileURLToPath } from 'node:url';
import { ChildRpc } from '../child-rpc.js';
import type { RunMemberRequests } from '../loadgen/run-members.js';

export class RunRoom {
  private constructor(private readonly rpc: ChildRpc<RunMemberRequests>) {}

  /** Forks the process and joins `members` clients to a fresh room of the server at `url`. */
  static async open(url: string, members: number): Promise<RunRoom> {
    const script = fileURLToPath(new URL('../loadgen/run-members.ts', import.meta.url));
    const room = new RunRoom(
      await ChildRpc.fork<RunMemberRequests>(script, ['--import', 'tsx'], 'run members'),
    );
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
    return this.rpc.call(name, args, timeoutMs);
  }

  async stop(): Promise<void> {
    if (!this.rpc.running) return;
    await this.call('close', {}, 5000).catch(() => undefined);
    await this.rpc.stop();
  }
}
