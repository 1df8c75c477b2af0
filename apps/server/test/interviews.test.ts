/**
 * What interview rooms promise beyond the role matrix: what a candidate's
 * socket never receives, server-side refusal of a locked editor, removal
 * that ends the session at once, admission without a new page, the timeline.
 */
import * as Y from 'yjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLOSE_CODES } from '@tandem/protocol';
import { startServer, tempDir, waitFor, type RunningServer } from './harness.js';
import { castInterview, connectAs, signUpStaff, type Cast, type Staff } from './interview-cast.js';
import type { RoomConnection } from '@tandem/client';

let server: RunningServer;
let remove: () => Promise<void>;
let staff: Staff;
const opened: RoomConnection[] = [];

beforeAll(async () => {
  const tmp = await tempDir();
  remove = tmp.remove;
  server = await startServer({ dataDir: tmp.dir, env: { LOBBY_REQUEST_LIMIT: '1000' } });
  staff = await signUpStaff(server);
}, 180_000);

afterAll(async () => {
  for (const c of opened) c.destroy();
  await server?.stop();
  await remove?.();
});

async function open(cast: Cast, actor: Parameters<typeof connectAs>[2]) {
  const conn = await connectAs(server, cast, actor);
  opened.push(conn);
  return conn;
}

/** Every event name a socket receives, with its payload serialised. */
function recordIncoming(conn: RoomConnection): { event: string; body: string }[] {
  const seen: { event: string; body: string }[] = [];
  conn.socket.onAny((event: string, ...args: unknown[]) => {
    seen.push({ event, body: JSON.stringify(args) });
  });
  return seen;
}

describe('interview rooms', () => {
  it('never sends a candidate the staff view, the notes, or an unrevealed hint', async () => {
    const cast = await castInterview(server, staff);
    const host = await open(cast, 'host');
    const candidate = await open(cast, 'candidate');
    const seen = recordIncoming(candidate);
    expect(candidate.staff).toBeNull();
    expect(host.staff?.hintLadder).toHaveLength(3);

    const notes = host.notes();
    await waitFor(() => notes.synced, 'notes synced');
    notes.text.insert(0, 'SECRET-NOTE');
    await host.control({ type: 'reveal-hint' });
    await host.control({ type: 'set-editor-locked', locked: true });
    await waitFor(() => candidate.interview?.editorLocked === true, 'candidate sees the lock');

    expect(candidate.interview?.hints.map((h) => h.index)).toEqual([0]);
    const wire = seen.map((s) => s.body).join('\n');
    expect(seen.map((s) => s.event)).not.toContain('interview:staff');
    expect(seen.map((s) => s.event)).not.toContain('notes:update');
    expect(wire).not.toContain('SECRET-NOTE');
    for (const unrevealed of host.staff!.hintLadder.slice(1))
      expect(wire).not.toContain(unrevealed);
    expect(wire).toContain(host.staff!.hintLadder[0]!);
  }, 120_000);

  it('refuses a locked candidate’s forged edit on the server, not only in the UI', async () => {
    const cast = await castInterview(server, staff);
    const host = await open(cast, 'host');
    const candidate = await open(cast, 'candidate');
    await host.control({ type: 'set-editor-locked', locked: true });
    await waitFor(() => candidate.interview?.editorLocked === true, 'lock reaches the candidate');
    const doc = new Y.Doc();
    doc.getText('code').insert(0, 'forged');
    const reply = await candidate.socket.emitWithAck('doc:update', Y.encodeStateAsUpdateV2(doc));
    expect(reply).toMatchObject({ ok: false, code: 'EDITOR_LOCKED' });
    expect(host.text.toString()).not.toContain('forged');
  }, 120_000);

  it('ends a removed participant’s session at once with 4003, and refuses the credential after', async () => {
    const cast = await castInterview(server, staff);
    const host = await open(cast, 'host');
    const candidate = await open(cast, 'candidate');
    const closed: number[] = [];
    candidate.socket.on('session:closed', ({ code }) => closed.push(code));
    await host.control({
      type: 'remove',
      participantId: candidate.self!.participantId!,
    });
    await waitFor(() => candidate.status === 'closed', 'the candidate is disconnected');
    expect(closed).toEqual([CLOSE_CODES.REMOVED]);
    expect(candidate.lastError?.code).toBe('REMOVED');
    const again = await open(cast, 'candidate');
    expect(again.status).toBe('closed');
    expect(again.lastError?.code).toBe('REMOVED');
    expect(host.staff?.participants.map((p) => p.name)).not.toContain('Cleo');
  }, 120_000);

  it('admits a waiting candidate without a new page: the same connection enters the room', async () => {
    const cast = await castInterview(server, staff);
    const host = await open(cast, 'host');
    const waiting = await open(cast, 'waiting');
    expect(waiting.lobby?.status).toBe('waiting');
    expect(waiting.synced).toBe(false);
    await waitFor(
      () =>
        host.staff?.participants.some((p) => p.name === 'Wes' && p.status === 'waiting') ?? false,
      'the host sees the request',
    );
    const wes = host.staff!.participants.find((p) => p.name === 'Wes')!;
    await host.control({ type: 'admit', participantId: wes.id });
    await waiting.whenSynced();
    expect(waiting.role).toBe('candidate');
    await expect(host.control({ type: 'deny', participantId: wes.id })).rejects.toMatchObject({
      code: 'ALREADY_DECIDED',
    });
  }, 120_000);

  it('records each control on the timeline with the revealed hint’s index', async () => {
    const cast = await castInterview(server, staff);
    const host = await open(cast, 'host');
    await host.control({ type: 'reveal-hint' });
    await host.control({ type: 'reveal-hint' });
    await host.control({ type: 'end' });
    const timeline = await server.store.readTimeline(cast.roomId, 0, 100);
    const hints = timeline.filter((e) => e.type === 'interview.hint-revealed');
    expect(hints.map((e) => e.payload['index'])).toEqual([0, 1]);
    expect(timeline.at(-1)?.type).toBe('interview.ended');
    await expect(host.control({ type: 'reveal-hint' })).rejects.toMatchObject({
      code: 'INTERVIEW_ENDED',
    });
  }, 120_000);
});
