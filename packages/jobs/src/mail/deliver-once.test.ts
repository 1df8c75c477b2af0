/**
 * `deliverOnce` against a real SMTP server on loopback, the outbox folder and
 * the Redis sent log (the sent-log contract runs here too): what an attempt
 * does with a claim an earlier one left, a lost reply, a refused end of
 * message, and two attempts of one email at once.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deliverOnce, MailClaimedElsewhereError } from './mail-jobs.js';
import { messageIdFor, type MailMessage } from './mailer.js';
import { OutboxMailer } from './outbox-mailer.js';
import { RedisSentLog } from './sent-log.js';
import { sentLogContract } from './sent-log.contract.js';
import { SmtpMailer } from './smtp-mailer.js';
import { startTestSmtpServer, type TestSmtpServer } from './smtp-test-server.js';

const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const PREFIX = `tandem-test-${randomBytes(4).toString('hex')}`;
const FROM = 'Tandem <tandem@example.test>';
const silent = pino({ level: 'silent' });

let redis: Redis;
let log: RedisSentLog;
let smtp: TestSmtpServer;
let mailer: SmtpMailer;
let deps: { mailer: SmtpMailer; sentLog: RedisSentLog; claimGraceMs: number };

beforeAll(async () => {
  redis = new Redis(REDIS_URL);
  log = new RedisSentLog(redis, PREFIX);
  smtp = await startTestSmtpServer();
  mailer = new SmtpMailer(smtp.url, FROM, silent);
  deps = { mailer, sentLog: log, claimGraceMs: 60_000 };
});

afterAll(async () => {
  await smtp?.close();
  const keys = await redis.keys(`${PREFIX}:*`);
  if (keys.length > 0) await redis.del(...keys);
  await redis.quit();
});

sentLogContract(() => log);

const mail = (): MailMessage => ({
  key: `test.${randomUUID()}`,
  to: 'ada@example.com',
  subject: 'Hello',
  text: 'Hello',
  html: '<p>Hello</p>',
});

/** How many messages with this email's Message-ID the SMTP server accepted. */
async function received(message: MailMessage): Promise<number> {
  const id = messageIdFor(message.key, FROM);
  return smtp.accepted.filter((raw) => raw.toString('latin1').includes(id)).length;
}

describe('deliverOnce', () => {
  it('sends, claims the email just before its end, and records it as sent', async () => {
    const m = mail();
    await deliverOnce(m, deps, silent);
    expect(await received(m)).toBe(1);
    expect(await log.inspect(m.key)).toEqual({
      state: 'sent',
      attempts: 1,
      messageId: messageIdFor(m.key, FROM),
      uncertain: false,
    });
    await deliverOnce(m, deps, silent);
    expect(await received(m)).toBe(1);
  });

  it('a claim whose end went out (SMTP): not sent again, recorded as uncertain', async () => {
    const m = mail();
    await log.begin(m.key);
    await log.claim(m.key, 'dead-attempt', messageIdFor(m.key, FROM));
    log.ending(m.key, 'dead-attempt');
    const before = smtp.attempts.rcpt;
    await deliverOnce(m, deps, silent);
    expect(smtp.attempts.rcpt).toBe(before);
    expect(await log.inspect(m.key)).toMatchObject({ state: 'sent', uncertain: true });
  });

  it('a claim whose end never went out (SMTP): left to its attempt for the grace period, then taken over', async () => {
    const m = mail();
    await log.begin(m.key);
    await log.claim(m.key, 'stalled-attempt', messageIdFor(m.key, FROM));
    const before = smtp.attempts.rcpt;
    await expect(deliverOnce(m, deps, silent)).rejects.toBeInstanceOf(MailClaimedElsewhereError);
    expect(smtp.attempts.rcpt).toBe(before);
    await deliverOnce(m, { ...deps, claimGraceMs: 0 }, silent);
    expect(await received(m)).toBe(1);
    expect(await log.inspect(m.key)).toMatchObject({ state: 'sent', uncertain: false });
  });

  it('a claim left by an earlier attempt (outbox): the folder says whether it went out', async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'tandem-outbox-'));
    try {
      const outbox = new OutboxMailer(dir, FROM, silent);
      const missing = mail();
      await log.begin(missing.key);
      await log.claim(missing.key, 'dead-attempt', messageIdFor(missing.key, FROM));
      log.ending(missing.key, 'dead-attempt');
      await deliverOnce(missing, { ...deps, mailer: outbox }, silent);
      expect(await fs.readdir(dir)).toEqual([`${missing.key}.eml`]);
      expect(await log.inspect(missing.key)).toMatchObject({ state: 'sent', uncertain: false });

      const written = mail();
      await outbox.send(written);
      await log.begin(written.key);
      await log.claim(written.key, 'dead-attempt', messageIdFor(written.key, FROM));
      await deliverOnce(written, { ...deps, mailer: outbox }, silent);
      expect(await log.inspect(written.key)).toMatchObject({ state: 'sent', uncertain: false });
      expect((await fs.readdir(dir)).sort()).toEqual(
        [`${missing.key}.eml`, `${written.key}.eml`].sort(),
      );
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  });

  it('a reply lost after the end of the message: not sent again, recorded as uncertain', async () => {
    const m = mail();
    smtp.dropNextReply();
    await deliverOnce(m, deps, silent);
    expect(await received(m)).toBe(1);
    expect(await log.inspect(m.key)).toMatchObject({ state: 'sent', uncertain: true });
    await deliverOnce(m, deps, silent);
    expect(await received(m)).toBe(1);
  });

  it('a 4xx reply to the end of the message releases the claim: the retry sends it', async () => {
    const m = mail();
    smtp.refuseNext(1, 'data', 451);
    await expect(deliverOnce(m, deps, silent)).rejects.toMatchObject({
      responseCode: 451,
    });
    expect(await log.inspect(m.key)).toMatchObject({ state: 'new' });
    await deliverOnce(m, deps, silent);
    expect(await received(m)).toBe(1);
    expect(await log.inspect(m.key)).toMatchObject({ state: 'sent', attempts: 2 });
  });

  it('two attempts at once (a holder that lost its lease): the second stands back, one email', async () => {
    const m = mail();
    const hold = smtp.holdNext();
    const first = deliverOnce(m, deps, silent);
    await hold.held; // the first has claimed and sent the end of the message
    // The second finds an ended claim: it takes the email as delivered without sending.
    await expect(deliverOnce(m, deps, silent)).resolves.toBeUndefined();
    hold.release();
    await first;
    expect(await received(m)).toBe(1);
    // The second took the claim for a dead attempt's; the first's answer then confirmed it.
    expect(await log.inspect(m.key)).toMatchObject({ state: 'sent', uncertain: false });
  });

  it('an attempt whose claim is taken by another stands back without sending', async () => {
    const m = mail();
    const hold = smtp.holdNext();
    const first = deliverOnce(m, deps, silent);
    await hold.held;
    // Another attempt gets as far as the end of its own copy of the message: its claim fails.
    const second = new SmtpMailer(smtp.url, FROM, silent).send(m, {
      commit: async (id) => {
        if (!(await log.claim(m.key, 'other', id))) throw new MailClaimedElsewhereError('taken');
      },
    });
    await expect(second).rejects.toBeInstanceOf(MailClaimedElsewhereError);
    hold.release();
    await first;
    expect(await received(m)).toBe(1);
  });
});
