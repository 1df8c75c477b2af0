/**
 * The automerge-paper editing trace, turned into Yjs data once per run and
 * cached on disk so every child process reads the same bytes.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import * as Y from 'yjs';

export const TRACE_PATH =
  process.env.BENCH_TRACE ??
  new URL('../../../shared/data/editing-traces/automerge-paper.json.gz', import.meta.url).pathname;

/** The Y.Text every system edits (the name Tandem uses, `DOC_TEXT_KEY`). */
export const TEXT_KEY = 'code';

interface TraceFile {
  startContent: string;
  endContent: string;
  txns: { patches: [number, number, string][] }[];
}

export interface TraceData {
  endContent: string;
  /** One update per single-character edit, in trace order. */
  updatesV1: Uint8Array[];
  updatesV2: Uint8Array[];
  /** The final document as one update. */
  finalV1: Uint8Array;
  finalV2: Uint8Array;
}

/** Length-prefixed concatenation, so a list of updates is one file. */
function pack(list: Uint8Array[]): Buffer {
  const total = list.reduce((n, u) => n + 4 + u.byteLength, 0);
  const out = Buffer.allocUnsafe(total);
  let off = 0;
  for (const u of list) {
    out.writeUInt32LE(u.byteLength, off);
    out.set(u, off + 4);
    off += 4 + u.byteLength;
  }
  return out;
}

function unpack(buf: Buffer): Uint8Array[] {
  const list: Uint8Array[] = [];
  for (let off = 0; off < buf.length;) {
    const len = buf.readUInt32LE(off);
    list.push(new Uint8Array(buf.buffer, buf.byteOffset + off + 4, len));
    off += 4 + len;
  }
  return list;
}

function generate(trace: TraceFile): Omit<TraceData, 'endContent'> {
  const doc = new Y.Doc();
  doc.clientID = 1; // deterministic encodings across runs
  const text = doc.getText(TEXT_KEY);
  const updatesV1: Uint8Array[] = [];
  const updatesV2: Uint8Array[] = [];
  doc.on('update', (u: Uint8Array) => updatesV1.push(u));
  doc.on('updateV2', (u: Uint8Array) => updatesV2.push(u));
  if (trace.startContent) text.insert(0, trace.startContent);
  for (const txn of trace.txns) {
    for (const [pos, del, ins] of txn.patches) {
      doc.transact(() => {
        if (del > 0) text.delete(pos, del);
        if (ins) text.insert(pos, ins);
      });
    }
  }
  if (text.toString() !== trace.endContent)
    throw new Error('trace replay does not reproduce endContent');
  return {
    updatesV1,
    updatesV2,
    finalV1: Y.encodeStateAsUpdate(doc),
    finalV2: Y.encodeStateAsUpdateV2(doc),
  };
}

function cacheDir(): string {
  const hash = createHash('sha1').update(readFileSync(TRACE_PATH)).digest('hex').slice(0, 12);
  return join(tmpdir(), `tandem-bench-trace-${hash}`);
}

/** Builds (or reads back) the trace's updates and final state; throws if they do not reproduce endContent. */
export function loadTrace(): TraceData {
  const trace = JSON.parse(gunzipSync(readFileSync(TRACE_PATH)).toString('utf8')) as TraceFile;
  const dir = cacheDir();
  const files = ['v1.bin', 'v2.bin', 'final-v1.bin', 'final-v2.bin'].map((f) => join(dir, f));
  if (!files.every((f) => existsSync(f))) {
    const data = generate(trace);
    mkdirSync(dir, { recursive: true });
    writeFileSync(files[0]!, pack(data.updatesV1));
    writeFileSync(files[1]!, pack(data.updatesV2));
    writeFileSync(files[2]!, data.finalV1);
    writeFileSync(files[3]!, data.finalV2);
  }
  const [v1, v2, f1, f2] = files.map((f) => readFileSync(f));
  return {
    endContent: trace.endContent,
    updatesV1: unpack(v1!),
    updatesV2: unpack(v2!),
    finalV1: new Uint8Array(f1!),
    finalV2: new Uint8Array(f2!),
  };
}
