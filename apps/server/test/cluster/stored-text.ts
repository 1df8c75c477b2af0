import pg from 'pg';
import * as Y from 'yjs';
import { DOC_TEXT_KEY } from '@tandem/protocol';

/**
 * A room's text as PostgreSQL holds it: the snapshot, then every committed
 * update, replayed. With `snapshot: false`, from the committed log alone: an
 * update acknowledged but never committed cannot hide in a snapshot.
 */
export async function storedText(
  databaseUrl: string,
  roomId: string,
  { snapshot = true }: { snapshot?: boolean } = {},
): Promise<string> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const doc = new Y.Doc();
    if (snapshot) {
      const snap = await client.query<{ state: Buffer }>(
        'select state from doc_snapshots where room_id = $1',
        [roomId],
      );
      if (snap.rows[0]) Y.applyUpdateV2(doc, snap.rows[0].state);
    }
    const rows = await client.query<{ update: Buffer }>(
      'select update from doc_updates where room_id = $1 order by seq',
      [roomId],
    );
    for (const r of rows.rows) Y.applyUpdateV2(doc, r.update);
    return doc.getText(DOC_TEXT_KEY).toString();
  } finally {
    await client.end();
  }
}
