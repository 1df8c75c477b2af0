/**
 * A load-generator process: holds the clients of every system, so the bench's
 * own process and the servers never share an event loop with them. Answers
 * the bench's requests over IPC, one at a time.
 */
import { clientFor } from '../clients/index.js';
import type { SystemClient } from '../clients/types.js';
import type { SystemName } from '../systems.js';
import { loadTrace, type TraceData } from '../trace.js';
import { wireFor } from '../wire/index.js';
import type { WireClient } from '../wire/types.js';
import { connectFanout, runFanout } from '../workloads/fanout.js';
import { connectIdle, countIdle, prepareIdle, releaseIdle } from '../workloads/idle.js';
import { holdRoom, loadRoom, releaseRoom, timeJoins } from '../workloads/join.js';
import { pushReplay, rawApply } from '../workloads/replay.js';
import type { ReplyMessage, RequestMessage, RequestName, Requests } from './protocol.js';

let trace: TraceData | undefined;
const getTrace = () => (trace ??= loadTrace());

function wire(system: SystemName, url: string): WireClient {
  const w = wireFor(system, url);
  if (!w) throw new Error(`${system} has no document to replay into or join`);
  return w;
}

type Handlers = {
  [K in RequestName]: (args: Requests[K]['args']) => Promise<Requests[K]['result']>;
};

const clients = new Map<string, Promise<SystemClient>>();
const client = (system: SystemName, url: string) => {
  const key = `${system} ${url}`;
  if (!clients.has(key)) clients.set(key, clientFor(system, url));
  return clients.get(key)!;
};

const handlers: Handlers = {
  fanoutConnect: async ({ system, url, urls, options }) =>
    connectFanout(await Promise.all((urls ?? [url]).map((u) => client(system, u))), options),
  fanoutRun: () => runFanout(),
  idlePrepare: async ({ system, url, options }) => prepareIdle(await client(system, url), options),
  idleConnect: async ({ system, url, options }) => connectIdle(await client(system, url), options),
  idleCount: () => Promise.resolve(countIdle()),
  idleRelease: () => {
    releaseIdle();
    return Promise.resolve(null);
  },
  loadRoom: async ({ system, url, name }) =>
    loadRoom(await client(system, url), name, getTrace().finalV1, getTrace().endContent),
  holdRoom: async ({ system, url, roomId }) => {
    await holdRoom(await client(system, url), roomId);
    return null;
  },
  releaseRoom: async () => {
    await releaseRoom();
    return null;
  },
  timeJoins: async ({ system, url, roomId, n }) =>
    timeJoins(await client(system, url), roomId, n, getTrace().endContent),
  joinBytes: ({ system, url, roomId }) => wire(system, url).joinBytes(roomId),
  rawApply: async ({ edits }) => rawApply(getTrace(), edits),
  pushReplay: async ({ system, url, edits, expectedText }) => {
    const w = wire(system, url);
    const roomId = await w.prepareRoom(`replay-${Date.now()}`);
    return pushReplay(w, roomId, getTrace(), system === 'ours' ? 'v2' : 'v1', edits, expectedText);
  },
};

process.on('message', (msg: RequestMessage) => {
  const handler = handlers[msg.name] as (args: unknown) => Promise<unknown>;
  handler(msg.args).then(
    (result) => process.send!({ id: msg.id, ok: true, result } satisfies ReplyMessage),
    (err: unknown) =>
      process.send!({
        id: msg.id,
        ok: false,
        error: err instanceof Error ? err.message : String(err),
      } satisfies ReplyMessage),
  );
});
// y-websocket adds a process 'exit' listener per provider.
process.setMaxListeners(0);
process.on('disconnect', () => process.exit(0));
process.send!({ id: 0, ok: true, result: 'ready' } satisfies ReplyMessage);
