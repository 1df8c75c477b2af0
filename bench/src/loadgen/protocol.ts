/** Requests the bench sends to a load-generator process, and their answers. */
import type { SystemName } from '../systems.js';
import type { FanoutOptions, FanoutResult } from '../workloads/fanout.js';
import type { IdleConnectResult, IdleOptions } from '../workloads/idle.js';
import type { RawApply } from '../workloads/replay.js';
import type { JoinBytes, PushResult } from '../wire/types.js';

export interface Requests {
  fanoutConnect: {
    /** `urls`: one per node, for clients spread over a cluster (then `url` is ignored). */
    args: { system: SystemName; url: string; urls?: string[]; options: FanoutOptions };
    result: number;
  };
  fanoutRun: { args: Record<string, never>; result: FanoutResult };
  idlePrepare: { args: { system: SystemName; url: string; options: IdleOptions }; result: number };
  idleConnect: {
    args: { system: SystemName; url: string; options: IdleOptions };
    result: IdleConnectResult;
  };
  idleCount: { args: Record<string, never>; result: { open: number; total: number } };
  idleRelease: { args: Record<string, never>; result: null };
  loadRoom: { args: { system: SystemName; url: string; name: string }; result: string };
  holdRoom: { args: { system: SystemName; url: string; roomId: string }; result: null };
  releaseRoom: { args: Record<string, never>; result: null };
  timeJoins: {
    args: { system: SystemName; url: string; roomId: string; n: number };
    result: number[];
  };
  joinBytes: { args: { system: SystemName; url: string; roomId: string }; result: JoinBytes };
  rawApply: { args: { edits: number }; result: RawApply };
  pushReplay: {
    args: { system: SystemName; url: string; edits: number; expectedText: string };
    result: PushResult;
  };
}

export type RequestName = keyof Requests;

export interface RequestMessage<K extends RequestName = RequestName> {
  id: number;
  name: K;
  args: Requests[K]['args'];
}

export type ReplyMessage =
  { id: number; ok: true; result: unknown } | { id: number; ok: false; error: string };
