/**
 * Mail in the embedded shape: the welcome email goes through the database
 * queue to the outbox folder, or to a real SMTP server on loopback; a failing
 * server means retries and one email; a node killed mid-send sends it once
 * after its restart.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseMail, startTestSmtpServer, type TestSmtpServer } from '@tandem/jobs/contract';
import { authClient, uniqueEmail } from './auth-client.js';
import { startServer, tempDir, waitFor, type RunningServer } from './harness.js';

const cleanups: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
}, 120_000);

/** Starting a node takes seconds (PGlite, the sandbox thread), far more on a loaded machine. */
const SLOW = 300_000;

async function server(env: Record<string, string> = {}, dataDir?: string): Promise<RunningServer> {
  let dir = dataDir;
  if (!dir) {
    const tmp = await tempDir();
    cleanups.push(tmp.remove);
    dir = tmp.dir;
  }
  const s = await startServer({
    dataDir: dir,
    env: { PUBLIC_URL: 'https://tandem.example.com', JOB_POLL_MS: '50', ...env },
  });
  cleanups.push(() => s.stop());
  return s;
}

async function smtp(): Promise<TestSmtpServer> {
  const s = await startTestSmtpServer();
  cleanups.push(() => s.close());
  return s;
}

const NAME = 'Ada <b>Lovelace</b> & co';

describe('the welcome email, embedded shape, outbox folder', () => {
  let s: RunningServer;
  beforeAll(async () => {
    s = await server();
  }, SLOW);

  it('is written to DATA_DIR/mail as an .eml file, the name escaped, linking to PUBLIC_URL', async () => {
    const { jobId } = await s.app.mail.sendWelcome({
      email: 'ada@example.com',
      displayName: NAME,
      accountId: 'acc-1',
    });
    const outbox = path.join(s.dataDir, 'mail');
    await waitFor(
      async () => (await s.app.jobs.status(jobId))?.state === 'done',
      'the job is done',
    );
    expect(await fs.readdir(outbox)).toEqual(['welcome.acc-1.eml']);
    const mail = await parseMail(await fs.readFile(path.join(outbox, 'welcome.acc-1.eml')));
    expect(mail.subject).toBe('Welcome to Tandem');
    expect(mail.text).toContain(`Hi ${NAME},`);
    expect(mail.text).toContain('https://tandem.example.com');
    expect(mail.html).toContain('Ada &lt;b&gt;Lovelace&lt;/b&gt; &amp; co');
    expect(mail.html).toContain('href="https://tandem.example.com"');
  });

  it('signing up writes the welcome email to the outbox', async () => {
    const email = uniqueEmail();
    const { account } = await authClient(s).signUp(email);
    const file = path.join(s.dataDir, 'mail', `welcome.${account.id}.eml`);
    await waitFor(
      () =>
        fs.access(file).then(
          () => true,
          () => false,
        ),
      'the welcome email is in the outbox',
    );
    const mail = await parseMail(await fs.readFile(file));
    expect(mail.to && !Array.isArray(mail.to) ? mail.to.text : '').toBe(email);
    expect(mail.text).toContain('Hi Ada,');
  });

  it('refuses a malformed address before queuing anything', async () => {
    await expect(
      s.app.mail.sendWelcome({ email: 'not an address', displayName: 'X' }),
    ).rejects.toThrow(/email/i);
  });
});

describe('the welcome email, embedded shape, SMTP', () => {
  let s: RunningServer;
  let mailServer: TestSmtpServer;
  beforeAll(async () => {
    mailServer = await smtp();
    s = await server({
      SMTP_URL: mailServer.url,
      MAIL_FROM: 'Tandem <hello@tandem.test>',
      JOB_BACKOFF_MS: '100',
    });
  }, SLOW);

  it('reaches a real SMTP server, once per account however often it is asked for', async () => {
    const before = mailServer.accepted.length;
    const request = { email: 'ada@example.com', displayName: 'Ada', accountId: 'acc-2' };
    const first = await s.app.mail.sendWelcome(request);
    const again = await s.app.mail.sendWelcome(request);
    expect(again.jobId).toBe(first.jobId);
    await waitFor(async () => (await s.app.jobs.status(first.jobId))?.state === 'done', 'done');
    expect(mailServer.accepted).toHaveLength(before + 1);
    const mail = await parseMail(mailServer.accepted.at(-1)!);
    expect(mail.from?.text).toContain('hello@tandem.test');
    expect(mail.text).toContain('https://tandem.example.com');
  });

  it('signing up sends the welcome email by SMTP, and sign-up does not wait for it', async () => {
    const before = mailServer.accepted.length;
    const hold = mailServer.holdNext();
    const email = uniqueEmail();
    // Answered while the SMTP server still holds the message unanswered.
    await authClient(s).signUp(email);
    await hold.held;
    expect(mailServer.accepted).toHaveLength(before);
    hold.release();
    await waitFor(() => mailServer.accepted.length === before + 1, 'the SMTP server accepts it');
    const mail = await parseMail(mailServer.accepted.at(-1)!);
    expect(mail.to && !Array.isArray(mail.to) ? mail.to.text : '').toBe(email);
    expect(mail.subject).toBe('Welcome to Tandem');
  });

  it('a failing SMTP server means retries with backoff, then one email', async () => {
    const before = { ...mailServer.attempts, accepted: mailServer.accepted.length };
    mailServer.refuseNext(2, 'data', 451);
    mailServer.refuseNext(1, 'rcpt', 452);
    const { jobId } = await s.app.mail.sendWelcome({
      email: 'ada@example.com',
      displayName: 'Ada',
      accountId: 'acc-3',
    });
    await waitFor(async () => (await s.app.jobs.status(jobId))?.state === 'done', 'done', 15_000);
    expect(await s.app.jobs.status(jobId)).toMatchObject({ attempts: 4 });
    expect(mailServer.attempts.rcpt - before.rcpt).toBe(4);
    expect(mailServer.attempts.data - before.data).toBe(3);
    expect(mailServer.accepted.length - before.accepted).toBe(1);
  });

  it('a refused address fails the job at once (a 5xx reply is permanent)', async () => {
    const before = mailServer.attempts.rcpt;
    mailServer.refuseNext(1, 'rcpt', 550);
    const { jobId } = await s.app.mail.sendWelcome({
      email: 'nobody@example.com',
      displayName: 'N',
    });
    await waitFor(async () => (await s.app.jobs.status(jobId))?.state === 'failed', 'failed');
    expect((await s.app.jobs.status(jobId))?.lastError).toContain('550');
    expect(mailServer.attempts.rcpt - before).toBe(1);
  });
});

describe('the welcome email, embedded shape, a crash', () => {
  it(
    'a node killed with SIGKILL after the end of the message, before the reply: the email is not sent again after its restart',
    async () => {
      const mailServer = await smtp();
      const hold = mailServer.holdNext();
      const tmp = await tempDir();
      cleanups.push(tmp.remove);
      const fixture = fileURLToPath(new URL('./fixtures/mail-node.mjs', import.meta.url));
      const child = spawn(process.execPath, [fixture], {
        env: {
          PATH: process.env.PATH,
          DATA_DIR: tmp.dir,
          SMTP_URL: mailServer.url,
          JOB_LEASE_MS: '3000',
        },
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      cleanups.push(async () => {
        child.kill('SIGKILL');
        await exited;
      });
      let out = '';
      child.stdout!.on('data', (chunk: Buffer) => (out += chunk.toString()));
      await waitFor(
        () => {
          if (child.exitCode !== null) throw new Error(`the child exited (${child.exitCode})`);
          return out.includes('enqueued');
        },
        'the child queues the email',
        120_000,
      );
      const jobId = /enqueued (\S+)/.exec(out)![1]!;
      await hold.held; // the message is complete at the server, its acceptance not yet sent
      child.kill('SIGKILL');
      await exited;
      await hold.gone;
      // Like a real mail server, it has the message and keeps it though its client is gone.
      hold.release();

      const s = await server(
        { SMTP_URL: mailServer.url, JOB_LEASE_MS: '3000', PUBLIC_URL: 'http://tandem.test:3000' },
        tmp.dir,
      );
      await waitFor(async () => (await s.app.jobs.status(jobId))?.state === 'done', 'done', 20_000);
      // The retry found the dead attempt's claim: it did not send the email again.
      expect(mailServer.attempts.data).toBe(1);
      expect(mailServer.accepted).toHaveLength(1);
      expect(await s.store.sentMail.inspect('welcome.acc-killed')).toMatchObject({
        state: 'sent',
        attempts: 2,
        uncertain: true,
      });
      const mail = await parseMail(mailServer.accepted[0]!);
      expect(mail.to && !Array.isArray(mail.to) ? mail.to.text : '').toBe('grace@example.com');
    },
    SLOW,
  );
});
