import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { PendingUpdates } from './pending.js';

function edits(n: number): { doc: Y.Doc; updates: Uint8Array[] } {
  const doc = new Y.Doc();
  const updates: Uint8Array[] = [];
  doc.on('updateV2', (u: Uint8Array) => updates.push(u));
  for (let i = 0; i < n; i++) doc.getText('code').insert(i, String(i % 10));
  return { doc, updates };
}

describe('PendingUpdates', () => {
  it('keeps an update until its send is acknowledged, and merges what it sends', () => {
    const { doc, updates } = edits(3);
    const p = new PendingUpdates();
    for (const u of updates) p.add(u);
    const batch = p.takeUnsent()!;
    expect(batch.ids).toHaveLength(3);
    const replica = new Y.Doc();
    Y.applyUpdateV2(replica, batch.update);
    expect(replica.getText('code').toString()).toBe(doc.getText('code').toString());
    expect(p.takeUnsent()).toBeNull();
    p.acknowledge(batch.ids);
    expect(p.size).toBe(0);
  });

  it('released or disconnected sends go out again', () => {
    const { updates } = edits(2);
    const p = new PendingUpdates();
    p.add(updates[0]!);
    const first = p.takeUnsent()!;
    p.add(updates[1]!);
    p.release(first.ids);
    expect(p.takeUnsent()!.ids).toHaveLength(2);
    expect(p.takeAll()!.ids).toHaveLength(2);
    expect(p.size).toBe(2);
  });
});
