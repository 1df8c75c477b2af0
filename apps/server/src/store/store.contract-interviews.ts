/** The interview part of the store contract: rooms with owners, participants, notes, scorecards. */
import { describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import type { ContractContext } from './store.contract-fixtures.js';
import { bytes, roomId, T0 } from './store.contract-fixtures.js';
import type { Store } from './store.js';

const id = () => randomUUID().replaceAll('-', '').slice(0, 22);

/** A user for the interview's owner (participants reference accounts). */
async function newUser(store: Store): Promise<string> {
  const userId = `acct-${id()}`;
  await store.accounts.createUser({
    id: userId,
    email: `${userId}@example.com`,
    displayName: 'Hana',
    passwordHash: null,
  });
  return userId;
}

async function newInterview(store: Store) {
  const rid = roomId();
  const hostId = id();
  const owner = await newUser(store);
  const created = await store.interviews.create({
    room: { id: rid, title: 'Backend interview', language: 'python' },
    interview: {
      ownerAccountId: owner,
      interviewerKey: 'k-interviewer',
      candidateKey: 'k-candidate',
      problemId: 'two-sum',
    },
    host: { id: hostId, name: 'Hana' },
  });
  return { rid, hostId, owner, ...created };
}

const candidate = (rid: string, hash: string) => ({
  id: id(),
  roomId: rid,
  accountId: null,
  guestTokenHash: hash,
  role: 'candidate' as const,
  status: 'waiting' as const,
  name: 'Cleo',
  email: 'cleo@example.com',
});

const entry = (type: string) => ({ type, actor: 'acct-host', payload: { x: 1 }, at: T0 });

export function interviewsContract({ store }: Pick<ContractContext, 'store'>): void {
  describe('interviews', () => {
    it('creates the room, the interview, its host and both timeline entries in one write', async () => {
      const { rid, hostId, owner, room, interview } = await newInterview(store());
      expect(room).toMatchObject({ id: rid, title: 'Backend interview', language: 'python' });
      expect(interview).toEqual({
        roomId: rid,
        ownerAccountId: owner,
        interviewerKey: 'k-interviewer',
        candidateKey: 'k-candidate',
        problemId: 'two-sum',
        revealedHints: [],
        editorLocked: false,
        runEnabled: true,
        endedAt: null,
      });
      expect(await store().interviews.get(rid)).toEqual(interview);
      expect(await store().getRoomWithKind(rid)).toEqual({ room, kind: 'interview' });
      expect(await store().interviews.participants(rid)).toEqual([
        expect.objectContaining({
          id: hostId,
          role: 'host',
          status: 'admitted',
          accountId: owner,
        }),
      ]);
      const timeline = await store().readTimeline(rid, 0, 10);
      expect(timeline.map((e) => e.type)).toEqual(['room.created', 'interview.created']);
    });

    it('has no interview for a scratch room', async () => {
      const rid = roomId();
      await store().createRoom({ id: rid, title: 'Scratch', language: 'python' }, null);
      expect(await store().interviews.get(rid)).toBeNull();
    });

    it('updates from the current row and appends the entry in the same transaction', async () => {
      const { rid } = await newInterview(store());
      const at = new Date(T0.getTime() + 5);
      const updated = await store().interviews.update(rid, (current) => ({
        patch: {
          revealedHints: [...current.revealedHints, { index: 0, at }],
          editorLocked: true,
          runEnabled: false,
          endedAt: at,
          candidateKey: 'k-rotated',
        },
        entry: entry('interview.hint-revealed'),
      }));
      expect(updated).toMatchObject({
        revealedHints: [{ index: 0, at }],
        editorLocked: true,
        runEnabled: false,
        endedAt: at,
        candidateKey: 'k-rotated',
        interviewerKey: 'k-interviewer',
      });
      expect(await store().interviews.get(rid)).toEqual(updated);
      const types = (await store().readTimeline(rid, 0, 10)).map((e) => e.type);
      expect(types.at(-1)).toBe('interview.hint-revealed');
    });

    it('writes nothing when the change throws, and null for an unknown room', async () => {
      const { rid, interview } = await newInterview(store());
      await expect(
        store().interviews.update(rid, () => {
          throw new Error('refused');
        }),
      ).rejects.toThrow('refused');
      expect(await store().interviews.get(rid)).toEqual(interview);
      expect(await store().readTimeline(rid, 0, 10)).toHaveLength(2);
      expect(
        await store().interviews.update(roomId(), () => ({ patch: {}, entry: entry('x') })),
      ).toBeNull();
    });

    it('serialises concurrent changes: two reveals take two ladder steps', async () => {
      const { rid } = await newInterview(store());
      const reveal = () =>
        store().interviews.update(rid, (c) => ({
          patch: { revealedHints: [...c.revealedHints, { index: c.revealedHints.length, at: T0 }] },
          entry: entry('interview.hint-revealed'),
        }));
      await Promise.all([reveal(), reveal()]);
      const after = await store().interviews.get(rid);
      expect(after?.revealedHints.map((h) => h.index)).toEqual([0, 1]);
    });

    it('adds participants, finds them by account and guest token, and changes them conditionally', async () => {
      const { rid, owner } = await newInterview(store());
      const cand = await store().interviews.addParticipant(
        candidate(rid, 'hash-1'),
        entry('lobby.requested'),
      );
      expect(cand).toMatchObject({
        status: 'waiting',
        role: 'candidate',
        email: 'cleo@example.com',
      });
      expect(await store().interviews.participantByGuestToken(rid, 'hash-1')).toEqual(cand);
      expect(await store().interviews.participantByGuestToken(roomId(), 'hash-1')).toBeNull();
      expect(await store().interviews.participant(rid, cand.id)).toEqual(cand);
      expect(await store().interviews.participantByAccount(rid, owner)).toMatchObject({
        role: 'host',
      });

      const admitted = await store().interviews.updateParticipant(rid, cand.id, (p) => {
        expect(p.status).toBe('waiting');
        return { patch: { status: 'admitted' }, entry: entry('lobby.admitted') };
      });
      expect(admitted).toMatchObject({ id: cand.id, status: 'admitted' });
      await expect(
        store().interviews.updateParticipant(rid, cand.id, () => {
          throw new Error('already decided');
        }),
      ).rejects.toThrow('already decided');
      expect(await store().interviews.participant(rid, cand.id)).toMatchObject({
        status: 'admitted',
      });
      expect(
        await store().interviews.updateParticipant(rid, id(), () => ({
          patch: {},
          entry: entry('x'),
        })),
      ).toBeNull();
      const types = (await store().readTimeline(rid, 0, 10)).map((e) => e.type);
      expect(types).toEqual([
        'room.created',
        'interview.created',
        'lobby.requested',
        'lobby.admitted',
      ]);
    });

    it('refuses a second participant row for one account in one room', async () => {
      const { rid, owner } = await newInterview(store());
      await expect(
        store().interviews.addParticipant(
          { ...candidate(rid, `h-${id()}`), accountId: owner, role: 'interviewer' },
          entry('participant.joined'),
        ),
      ).rejects.toThrow();
      expect(await store().interviews.participants(rid)).toHaveLength(1);
    });

    it('keeps the notes log in order and per room', async () => {
      const a = (await newInterview(store())).rid;
      const b = (await newInterview(store())).rid;
      for (const n of [1, 2, 3]) {
        await store().interviews.appendNote({
          roomId: a,
          author: 'acct-host',
          update: bytes(n),
          at: T0,
        });
      }
      await store().interviews.appendNote({ roomId: b, author: 'x', update: bytes(9), at: T0 });
      expect(await store().interviews.loadNotes(a)).toEqual([bytes(1), bytes(2), bytes(3)]);
      expect(await store().interviews.loadNotes(b)).toEqual([bytes(9)]);
    });

    it('saves one scorecard per interviewer, replacing it on a second save', async () => {
      const { rid, hostId } = await newInterview(store());
      const card = {
        roomId: rid,
        participantId: hostId,
        ratings: { problemSolving: 3, codeQuality: null, communication: 4, testing: 2 },
        recommendation: 'yes' as const,
        comments: 'Clear thinking.',
        updatedAt: T0,
      };
      expect(await store().interviews.saveScorecard(card, entry('scorecard.saved'))).toEqual(card);
      const second = { ...card, recommendation: 'strong_yes' as const, comments: 'Even better.' };
      await store().interviews.saveScorecard(second, entry('scorecard.saved'));
      expect(await store().interviews.scorecards(rid)).toEqual([second]);
    });
  });
}
