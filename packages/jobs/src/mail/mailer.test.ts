import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PermanentJobError } from '../queue/queue.js';
import { mailerContract } from './mailer.contract.js';
import type { MailMessage } from './mailer.js';
import { OutboxMailer } from './outbox-mailer.js';
import { SmtpMailer } from './smtp-mailer.js';
import { startTestSmtpServer, type TestSmtpServer } from './smtp-test-server.js';

const FROM = 'Tandem <tandem@example.test>';
const silent = pino({ level: 'silent' });

async function emlFiles(dir: string): Promise<string[]> {
  const names = await fs.readdir(dir).catch(() => [] as string[]);
  return names.filter((n) => n.endsWith('.eml')).map((n) => path.join(dir, n));
}

mailerContract('outbox folder', async () => {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'tandem-outbox-'));
  return {
    mailer: new OutboxMailer(dir, FROM, silent),
    from: FROM,
    delivered: async () => Promise.all((await emlFiles(dir)).map((f) => fs.readFile(f))),
    cleanup: () => fs.rm(dir, { recursive: true, force: true }),
  };
});

mailerContract('SMTP (smtp-server on loopback)', async () => {
  const server = await startTestSmtpServer();
  return {
    mailer: new SmtpMailer(server.url, FROM, silent),
    from: FROM,
    delivered: async () => server.accepted,
    cleanup: () => server.close(),
  };
});

const msg = (key: string): MailMessage => ({
  key,
  to: 'ada@example.com',
  subject: 'Hello',
  text: 'Hello',
  html: '<p>Hello</p>',
});

describe('OutboxMailer', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'tandem-outbox-'));
  });
  afterAll(() => fs.rm(dir, { recursive: true, force: true }));

  it('writes <key>.eml with no temporary file left, and logs where', async () => {
    const lines: string[] = [];
    const logger = pino(
      { level: 'info' },
      new Writable({
        write(chunk: Buffer, _enc, done) {
          lines.push(chunk.toString());
          done();
        },
      }),
    );
    const outbox = path.join(dir, 'mail');
    const sent = await new OutboxMailer(outbox, FROM, logger).send(msg('welcome.acc-1'));
    expect(sent.where).toBe(path.join(outbox, 'welcome.acc-1.eml'));
    expect(await fs.readdir(outbox)).toEqual(['welcome.acc-1.eml']);
    expect(lines.join('')).toContain(sent.where);
  });

  it('does not write the same key twice', async () => {
    const outbox = path.join(dir, 'twice');
    const mailer = new OutboxMailer(outbox, FROM, silent);
    const first = await mailer.send(msg('k'));
    const before = await fs.stat(first.where);
    await mailer.send({ ...msg('k'), subject: 'changed' });
    expect((await fs.stat(first.where)).mtimeMs).toBe(before.mtimeMs);
    expect(await fs.readFile(first.where, 'utf8')).toContain('Subject: Hello');
    expect(await fs.readdir(outbox)).toEqual(['k.eml']);
  });
});

describe('SmtpMailer', () => {
  let server: TestSmtpServer;
  beforeAll(async () => {
    server = await startTestSmtpServer();
  });
  afterAll(() => server.close());

  it('a 5xx reply is permanent, a 4xx reply is not', async () => {
    const mailer = new SmtpMailer(server.url, FROM, silent);
    server.refuseNext(1, 'rcpt', 550);
    await expect(mailer.send(msg('refused'))).rejects.toThrow(PermanentJobError);
    server.refuseNext(1, 'data', 451);
    const transient = await mailer.send(msg('later')).catch((err: unknown) => err);
    expect(transient).toBeInstanceOf(Error);
    expect(transient).not.toBeInstanceOf(PermanentJobError);
    expect(server.accepted).toHaveLength(0);
    await mailer.close();
  });

  it('an unreachable server is a transient failure', async () => {
    const closed = await startTestSmtpServer();
    await closed.close();
    const mailer = new SmtpMailer(closed.url, FROM, silent);
    const err = await mailer.send(msg('nobody')).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Error);
    expect(err).not.toBeInstanceOf(PermanentJobError);
  });
});
