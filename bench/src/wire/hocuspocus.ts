/**
 * Hocuspocus's protocol: every frame starts with the document name, then a
 * message type; the server answers each update with a SyncStatus frame.
 */
import WebSocket from 'ws';
import * as Y from 'yjs';
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import { TEXT_KEY } from '../trace.js';
import type { JoinBytes, PushResult, WireClient } from './types.js';
import { sendAll, WireCounter } from './types.js';

const SYNC = 0;
const AUTH = 2;
const SYNC_REPLY = 4;
const SYNC_STATUS = 8;
const STEP1 = 0;
const STEP2 = 1;
const UPDATE = 2;
const AUTH_TOKEN = 0;
const AUTHENTICATED = 2;

const EMPTY_SV = Y.encodeStateVector(new Y.Doc());

function message(room: string, write: (enc: encoding.Encoder) => void): Uint8Array {
  const enc = encoding.createEncoder();
  encoding.writeVarString(enc, room);
  write(enc);
  return encoding.toUint8Array(enc);
}

function sync(room: string, sub: number, payload: Uint8Array): Uint8Array {
  return message(room, (enc) => {
    encoding.writeVarUint(enc, SYNC);
    encoding.writeVarUint(enc, sub);
    encoding.writeVarUint8Array(enc, payload);
  });
}

interface Handlers {
  step2?: (update: Uint8Array) => void;
  status?: () => void;
}

/** Connects and authenticates (empty token) for one document. */
async function open(
  url: string,
  room: string,
  on: Handlers,
  agent?: WireCounter,
): Promise<WebSocket> {
  const ws = new WebSocket(url.replace(/^http/, 'ws'), {
    ...(agent === undefined ? {} : { agent }),
  });
  let authed: () => void = () => {};
  const authenticated = new Promise<void>((r) => (authed = r));
  ws.on('message', (data: Buffer) => {
    const dec = decoding.createDecoder(new Uint8Array(data));
    decoding.readVarString(dec);
    const type = decoding.readVarUint(dec);
    if (type === SYNC_STATUS) on.status?.();
    else if (type === AUTH && decoding.readVarUint(dec) === AUTHENTICATED) authed();
    else if ((type === SYNC || type === SYNC_REPLY) && decoding.readVarUint(dec) === STEP2) {
      on.step2?.(decoding.readVarUint8Array(dec));
    }
  });
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  ws.send(
    message(room, (enc) => {
      encoding.writeVarUint(enc, AUTH);
      encoding.writeVarUint(enc, AUTH_TOKEN);
      encoding.writeVarString(enc, '');
    }),
  );
  await authenticated;
  return ws;
}

export function hocuspocusWire(url: string): WireClient {
  return {
    prepareRoom: async (name) => name,
    async push(room, updates, expectedText): Promise<PushResult> {
      let acked = 0;
      let allAcked: () => void = () => {};
      let step2: (u: Uint8Array) => void = () => {};
      const ws = await open(url, room, {
        status: () => {
          if (++acked === updates.length) allAcked();
        },
        step2: (u) => step2(u),
      });
      const done = new Promise<void>((r) => (allAcked = r));
      const start = performance.now();
      await sendAll(updates, (u) => ws.send(sync(room, UPDATE, u)));
      await done;
      const ms = performance.now() - start;
      const state = await new Promise<Uint8Array>((resolve) => {
        step2 = resolve;
        ws.send(sync(room, STEP1, EMPTY_SV));
      });
      const doc = new Y.Doc();
      Y.applyUpdate(doc, state);
      ws.close();
      return { ms, acked, verified: doc.getText(TEXT_KEY).toString() === expectedText };
    },
    async joinBytes(room): Promise<JoinBytes> {
      const counter = new WireCounter();
      let finish: (u: Uint8Array) => void = () => {};
      const got = new Promise<Uint8Array>((r) => (finish = r));
      const start = performance.now();
      const ws = await open(url, room, { step2: (u) => finish(u) }, counter);
      ws.send(sync(room, STEP1, EMPTY_SV));
      const state = await got;
      const ms = performance.now() - start;
      const totalBytes = counter.bytesRead;
      ws.close();
      return { totalBytes, docBytes: state.byteLength, ms };
    },
  };
}
