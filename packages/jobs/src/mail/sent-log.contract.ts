/**
 * The contract every `SentLog` passes: Redis (scaled shape) and the
 * `mail_sent` table (embedded shape, apps/server's store contract).
 */
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { SentLog } from './sent-log.js';
import { waitFor } from '../wait-for.js';

export function sentLogContract(log: () => SentLog): void {
  const key = () => `contract.${randomUUID()}`;
  const uncertain = async (k: string) => (await log().inspect(k))?.uncertain;

  describe('SentLog contract', () => {
    it('counts attempts; a new key is new', async () => {
      const k = key();
      expect(await log().inspect(k)).toBeNull();
      expect(await log().begin(k)).toEqual({ state: 'new', attemptsBefore: 0 });
      expect(await log().begin(k)).toEqual({ state: 'new', attemptsBefore: 1 });
      expect(await log().inspect(k)).toEqual({
        state: 'new',
        attempts: 2,
        messageId: null,
        uncertain: false,
      });
    });

    it('one claim at a time; a begin sees it with its token, Message-ID and age', async () => {
      const k = key();
      await log().begin(k);
      expect(await log().claim(k, 'a', '<a@x>')).toBe(true);
      expect(await log().claim(k, 'b', '<b@x>')).toBe(false);
      const record = await log().begin(k);
      expect(record).toMatchObject({
        state: 'claimed',
        attemptsBefore: 1,
        token: 'a',
        messageId: '<a@x>',
        // Without a note of its own on the way out, a claim counts as ended at once.
        ended: !log().notesEnding,
      });
      const age = record.state === 'claimed' ? record.ageMs : -1;
      expect(age).toBeGreaterThanOrEqual(0);
      expect(age).toBeLessThan(60_000);
    });

    it('"ending" is noted for its own claim only, and a release clears it', async () => {
      const k = key();
      await log().begin(k);
      await log().claim(k, 'a', '<m@x>');
      log().ending(k, 'b');
      log().ending(k, 'a');
      await waitFor(async () => {
        const r = await log().begin(k);
        return r.state === 'claimed' && r.ended;
      }, 'the ending note to land');
      await log().release(k, 'a');
      expect(await log().claim(k, 'b', '<m@x>')).toBe(true);
      expect(await log().begin(k)).toMatchObject({
        state: 'claimed',
        token: 'b',
        ended: !log().notesEnding,
      });
    });

    it('a claim is released only by its holder, and can be replaced by naming it', async () => {
      const k = key();
      await log().begin(k);
      await log().claim(k, 'a', '<m@x>');
      await log().release(k, 'b');
      expect((await log().begin(k)).state).toBe('claimed');
      expect(await log().claim(k, 'b', '<m@x>', 'other')).toBe(false);
      expect(await log().claim(k, 'b', '<m@x>', 'a')).toBe(true);
      await log().release(k, 'b');
      expect(await log().begin(k)).toEqual({ state: 'new', attemptsBefore: 2 });
    });

    it('a sent key stays sent: no claim, no release undoes it', async () => {
      const k = key();
      await log().begin(k);
      await log().claim(k, 'a', '<m@x>');
      await log().markSent(k, '<m@x>');
      await log().release(k, 'a');
      expect(await log().claim(k, 'b', '<m@x>', 'a')).toBe(false);
      expect(await log().begin(k)).toEqual({ state: 'sent', attemptsBefore: 1 });
      expect(await log().inspect(k)).toEqual({
        state: 'sent',
        attempts: 2,
        messageId: '<m@x>',
        uncertain: false,
      });
    });

    it('"uncertain" never overrides a confirmed record; a confirmation clears it', async () => {
      const confirmed = key();
      await log().begin(confirmed);
      await log().markSent(confirmed, '<m@x>');
      await log().markSent(confirmed, '<m@x>', true);
      expect(await uncertain(confirmed)).toBe(false);

      const doubtful = key();
      await log().begin(doubtful);
      await log().claim(doubtful, 'a', '<d@x>');
      await log().markSent(doubtful, '<d@x>', true);
      expect((await log().begin(doubtful)).state).toBe('sent');
      expect(await uncertain(doubtful)).toBe(true);
      await log().markSent(doubtful, '<d@x>');
      expect(await uncertain(doubtful)).toBe(false);
    });
  });
}
