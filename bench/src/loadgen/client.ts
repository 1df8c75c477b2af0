/** The bench's side of a load generator: fork it, send typed requests, stop it. */
import { fileURLToPath } from 'node:url';
import { ChildRpc } from '../child-rpc.js';
import type { RequestName, Requests } from './protocol.js';

export class LoadGen {
  private constructor(private readonly rpc: ChildRpc<Requests>) {}

  static async start(): Promise<LoadGen> {
    const script = fileURLToPath(new URL('./main.ts', import.meta.url));
    return new LoadGen(
      await ChildRpc.fork<Requests>(
        script,
        ['--import', 'tsx', '--max-old-space-size=4096'],
        'load generator',
      ),
    );
  }

  get pid(): number {
    return this.rpc.child.pid!;
  }

  call<K extends RequestName>(
    name: K,
    args: Requests[K]['args'],
    timeoutMs = 600_000,
  ): Promise<Requests[K]['result']> {
    return this.rpc.call(name, args, timeoutMs);
  }

  stop(): Promise<void> {
    return this.rpc.stop();
  }
}
