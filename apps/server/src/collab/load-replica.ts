import * as Y from 'yjs';
import type { Logger } from '../logger.js';
import type { Store } from '../store/store.js';

const PAGE = 5_000;

/** The room's id as the guid: a replica is never a subdocument, and a random guid costs 32 getrandom calls. */
export const replicaDoc = (roomId: string) => new Y.Doc({ guid: roomId });

/**
 * Rebuilds a room's document from the store: the snapshot plus later updates,
 * or, if that fails (a damaged snapshot), the whole log from the start, since
 * the log is the history and a snapshot only a cache. Never writes.
 */
export async function loadReplica(
  store: Store,
  roomId: string,
  logger?: Logger,
): Promise<{ doc: Y.Doc; lastSeq: number }> {
  const loaded = await store.loadDoc(roomId);
  try {
    const doc = replicaDoc(roomId);
    doc.transact(() => {
      if (loaded.snapshot) Y.applyUpdateV2(doc, loaded.snapshot);
      for (const u of loaded.updates) Y.applyUpdateV2(doc, u);
    });
    return { doc, lastSeq: loaded.lastSeq };
  } catch (err) {
    logger?.warn({ err, roomId }, 'snapshot unreadable; rebuilding the room from its full log');
  }
  const doc = replicaDoc(roomId);
  let lastSeq = 0;
  for (;;) {
    const page = await store.readUpdates(roomId, lastSeq, PAGE);
    doc.transact(() => {
      for (const u of page) Y.applyUpdateV2(doc, u.update);
    });
    lastSeq = page.at(-1)?.seq ?? lastSeq;
    if (page.length < PAGE) break;
  }
  return { doc, lastSeq };
}
