import pg from 'pg';
import * as Y from 'yjs';
import { DOC_TEXT_KEY } from '@tandem/protocol';

/** A room's text as PostgreSQL holds it: the snapshot, then every committed update, replayed. */
export async function storedText(databaseUrl: string, roomId: string): Promise<string> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const doc = new Y.Doc();
    const snap = await client.query<{ state: Buffer }>(
      'select state from doc_snapshots where room_id = $1',
      [roomId],
    );
    if (snap.rows[0]) Y.applyUpdateV2(doc, snap.rows[0].state);
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
