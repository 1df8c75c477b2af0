/** y-websocket's protocol (y-protocols sync over raw frames), without a provider. */
import WebSocket from 'ws';
import * as Y from 'yjs';
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import { TEXT_KEY } from '../trace.js';
import type { JoinBytes, PushResult, WireClient } from './types.js';
import { sendAll, WireCounter } from './types.js';

const MSG_SYNC = 0;
const STEP1 = 0;
const STEP2 = 1;
const UPDATE = 2;

function syncMessage(sub: number, payload: Uint8Array): Uint8Array {
  const enc = encoding.createEncoder();
  encoding.writeVarUint(enc, MSG_SYNC);
  encoding.writeVarUint(enc, sub);
  encoding.writeVarUint8Array(enc, payload);
  return encoding.toUint8Array(enc);
}

const EMPTY_SV = Y.encodeStateVector(new Y.Doc());

/** Opens a socket and resolves with it; `onStep2` receives each sync step 2 payload. */
function open(
  url: string,
  roomId: string,
  onStep2: (u: Uint8Array) => void,
  agent?: WireCounter,
): Promise<WebSocket> {
  const ws = new WebSocket(`${url.replace(/^http/, 'ws')}/${encodeURIComponent(roomId)}`, {
    ...(agent === undefined ? {} : { agent }),
  });
  ws.on('message', (data: Buffer) => {
    const dec = decoding.createDecoder(new Uint8Array(data));
    if (decoding.readVarUint(dec) !== MSG_SYNC) return;
    if (decoding.readVarUint(dec) === STEP2) onStep2(decoding.readVarUint8Array(dec));
  });
  return new Promise((resolve, reject) => {
    ws.once('open', () => resolve(ws));
    ws.once('error', reject);
  });
}

export function yWebsocketWire(url: string): WireClient {
  return {
    prepareRoom: async (name) => name,
    async push(roomId, updates, expectedText): Promise<PushResult> {
      let done: (u: Uint8Array) => void = () => {};
      const ws = await open(url, roomId, (u) => done(u));
      const start = performance.now();
      await sendAll(updates, (u) => ws.send(syncMessage(UPDATE, u)));
      // The server handles one socket's messages in order: its answer to this
      // step 1 comes after it applied every update before it.
      const state = await new Promise<Uint8Array>((resolve) => {
        done = resolve;
        ws.send(syncMessage(STEP1, EMPTY_SV));
      });
      const ms = performance.now() - start;
      const doc = new Y.Doc();
      Y.applyUpdate(doc, state);
      ws.close();
      return { ms, acked: 0, verified: doc.getText(TEXT_KEY).toString() === expectedText };
    },
    async joinBytes(roomId): Promise<JoinBytes> {
      const counter = new WireCounter();
      const start = performance.now();
      let finish: (u: Uint8Array) => void = () => {};
      const got = new Promise<Uint8Array>((r) => (finish = r));
      const ws = await open(url, roomId, (u) => finish(u), counter);
      ws.send(syncMessage(STEP1, EMPTY_SV));
      const state = await got;
      const ms = performance.now() - start;
      const totalBytes = counter.bytesRead;
      ws.close();
      return { totalBytes, docBytes: state.byteLength, ms };
    },
  };
}
