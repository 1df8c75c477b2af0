import * as Y from 'yjs';
import { AppError } from '../errors.js';
import { applyUntrustedUpdateV2 } from '../collab/bounded-decoder.js';
import type { Store } from '../store/store.js';

/**
 * The interviewers' private notes: one Yjs document per interview room,
 * stored as its own log (never in the code document, never sent to a
 * candidate). The server keeps no replica: notes are small and rarely
 * synced, so each sync merges the stored log, which also keeps every node
 * exact without coordination.
 */
export async function notesSyncReply(
  store: Store,
  roomId: string,
  stateVector: Uint8Array,
): Promise<{ update: Uint8Array; sv: Uint8Array }> {
  try {
    Y.decodeStateVector(stateVector);
  } catch {
    throw new AppError('MALFORMED_MESSAGE', 'the state vector could not be decoded');
  }
  const updates = await store.interviews.loadNotes(roomId);
  const merged =
    updates.length > 0 ? Y.mergeUpdatesV2(updates) : Y.encodeStateAsUpdateV2(new Y.Doc());
  return {
    update: Y.diffUpdateV2(merged, stateVector),
    sv: Y.encodeStateVectorFromUpdateV2(merged),
  };
}

/** Checks that an untrusted notes update decodes (within the struct budget), then stores it. */
export async function appendNoteUpdate(
  store: Store,
  roomId: string,
  author: string,
  update: Uint8Array,
): Promise<void> {
  const scratch = new Y.Doc();
  try {
    applyUntrustedUpdateV2(scratch, update, null);
  } catch {
    throw new AppError('MALFORMED_UPDATE');
  } finally {
    scratch.destroy();
  }
  await store.interviews.appendNote({ roomId, author, update, at: new Date() });
}
