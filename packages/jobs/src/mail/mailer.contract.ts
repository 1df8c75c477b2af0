/**
 * The contract every `Mailer` passes: the outbox folder and a real SMTP
 * server on loopback. A harness says what reached the other side, as raw
 * RFC 5322 messages, which the suite parses with mailparser.
 */
import { simpleParser } from 'mailparser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { messageIdFor, type MailMessage, type Mailer } from './mailer.js';

export interface MailerHarness {
  mailer: Mailer;
  from: string;
  /** Every message delivered so far, raw. */
  delivered(): Promise<Buffer[]>;
  cleanup(): Promise<void>;
}

const message = (key: string, extra: Partial<MailMessage> = {}): MailMessage => ({
  key,
  to: 'ada@example.com',
  subject: 'Welcome to Tandem — ünïcode',
  text: 'Hi Ada,\n\nA line long enough to be wrapped by quoted-printable encoding, which the reader must undo.\n',
  html: '<p>Hi <b>Ada</b> &amp; friends</p>',
  ...extra,
});

export function mailerContract(name: string, makeHarness: () => Promise<MailerHarness>): void {
  describe(`Mailer contract: ${name}`, () => {
    let h: MailerHarness;
    beforeAll(async () => {
      h = await makeHarness();
    });
    afterAll(async () => {
      await h?.mailer.close();
      await h?.cleanup();
    });

    it('delivers an RFC 5322 message with both parts, the sender and a Message-ID from the key', async () => {
      const before = (await h.delivered()).length;
      const sent = await h.mailer.send(message('contract.one'));
      expect(sent.messageId).toBe(messageIdFor('contract.one', h.from));
      const all = await h.delivered();
      expect(all).toHaveLength(before + 1);
      const raw = all.at(-1)!;
      expect(raw.toString('latin1')).toMatch(/\r\n\r\n/); // CRLF line ends, headers then body
      const parsed = await simpleParser(raw);
      expect(parsed.subject).toBe('Welcome to Tandem — ünïcode');
      expect(parsed.messageId).toBe(sent.messageId);
      expect(parsed.to && !Array.isArray(parsed.to) ? parsed.to.value[0]?.address : null).toBe(
        'ada@example.com',
      );
      expect(parsed.from?.text).toContain(h.from.match(/<([^>]+)>/)?.[1] ?? h.from);
      expect(parsed.text?.trim()).toBe(message('x').text.trim());
      expect(parsed.html).toContain('<p>Hi <b>Ada</b> &amp; friends</p>');
    });

    it('gives two keys two Message-IDs', async () => {
      const a = await h.mailer.send(message('contract.a'));
      const b = await h.mailer.send(message('contract.b'));
      expect(a.messageId).not.toBe(b.messageId);
      const ids = await Promise.all(
        (await h.delivered()).map(async (raw) => (await simpleParser(raw)).messageId),
      );
      expect(ids).toContain(a.messageId);
      expect(ids).toContain(b.messageId);
    });
  });
}
