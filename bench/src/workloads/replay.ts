/**
 * Replay: the trace's single-character edits as individual updates, applied
 * in-process by Yjs (the baseline) or pushed through a server's update path.
 */
import * as Y from 'yjs';
import { TEXT_KEY, type TraceData } from '../trace.js';
import type { PushResult, WireClient } from '../wire/types.js';

export interface RawApply {
  edits: number;
  v1Ms: number;
  v2Ms: number;
  /** The text after the edits: what each server must hold afterwards. */
  text: string;
}

function slice(list: Uint8Array[], edits: number): Uint8Array[] {
  return edits > 0 ? list.slice(0, edits) : list;
}

/** Applies the updates one by one into fresh documents, V1 and V2. */
export function rawApply(trace: TraceData, edits: number): RawApply {
  const v1 = slice(trace.updatesV1, edits);
  const v2 = slice(trace.updatesV2, edits);
  let start = performance.now();
  const docV1 = new Y.Doc();
  for (const u of v1) Y.applyUpdate(docV1, u);
  const v1Ms = performance.now() - start;
  start = performance.now();
  const docV2 = new Y.Doc();
  for (const u of v2) Y.applyUpdateV2(docV2, u);
  const v2Ms = performance.now() - start;
  const text = docV1.getText(TEXT_KEY).toString();
  if (docV2.getText(TEXT_KEY).toString() !== text) throw new Error('V1 and V2 replays differ');
  return { edits: v1.length, v1Ms, v2Ms, text };
}

/** Pushes the updates (V2 for ours, V1 for the peers) and checks the server's document afterwards. */
export async function pushReplay(
  wire: WireClient,
  roomId: string,
  trace: TraceData,
  encoding: 'v1' | 'v2',
  edits: number,
  expectedText: string,
): Promise<PushResult> {
  const updates = slice(encoding === 'v1' ? trace.updatesV1 : trace.updatesV2, edits);
  return wire.push(roomId, updates, expectedText);
}
