import { Readable } from 'node:stream';
import SMTPConnection, { type SMTPConnectionOptions } from 'nodemailer/lib/smtp-connection';
import { parseConnectionUrl } from 'nodemailer/lib/shared';
import type { Logger } from 'pino';
import { PermanentJobError } from '../queue/queue.js';
import {
  DeliveryUnknownError,
  composeRfc5322,
  messageIdFor,
  type MailMessage,
  type Mailer,
  type SendOptions,
  type SentMail,
} from './mailer.js';

/** The URL without its password, for logs. */
function safeUrl(raw: string): string {
  try {
    const u = new URL(raw);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return 'SMTP_URL';
  }
}

/** The address of a mailbox (`Name <address>` or `address`). */
function addressOf(mailbox: string): string {
  return (/<([^<>]+)>\s*$/.exec(mailbox)?.[1] ?? mailbox).trim();
}

/**
 * The message body, then `commit`, then `ending` and the end in one go:
 * SMTPConnection writes the final "." only once this stream ends, so the "."
 * leaves strictly after the commit has resolved, and right after `ending`.
 * Read only after the server's 354 (SMTPConnection pipes it then), so a
 * refused envelope never reaches the commit.
 */
class CommitGatedBody extends Readable {
  #body: Buffer | null;
  #committing = false;

  constructor(
    body: Buffer,
    private readonly commit: () => Promise<void>,
    private readonly ending: () => void,
  ) {
    super();
    this.#body = body;
  }

  /** True once the commit resolved and the end (the final ".") was let through. */
  ended = false;

  override _read(): void {
    if (this.#body) {
      const body = this.#body;
      this.#body = null;
      this.push(body);
      return;
    }
    if (this.#committing) return;
    this.#committing = true;
    void this.commit().then(
      () => {
        this.ended = true;
        this.ending();
        this.push(null);
      },
      (err: unknown) => {
        this.destroy(err instanceof Error ? err : new Error(String(err)));
      },
    );
  }
}

/**
 * Sends through an SMTP server (`SMTP_URL`, e.g. `smtps://user:pass@mail.example.com`)
 * with nodemailer's SMTP connection, one connection per message. The message
 * is composed first, streamed after the server's 354, and its final "." is
 * held until `options.commit` resolves (see `SendOptions`).
 *
 * Errors: a 5xx reply is permanent (PermanentJobError); a connection that
 * failed after the final "." left without a reply is DeliveryUnknownError;
 * anything else (4xx, a refused or dropped connection before the ".", a
 * timeout) may pass on a retry.
 */
export class SmtpMailer implements Mailer {
  readonly kind = 'smtp';
  readonly #options: SMTPConnectionOptions & { auth?: { user: string; pass: string } };

  constructor(
    private readonly url: string,
    private readonly from: string,
    private readonly logger: Logger,
  ) {
    this.#options = {
      ...parseConnectionUrl(url),
      connectionTimeout: 15_000,
      greetingTimeout: 15_000,
      socketTimeout: 30_000,
    };
  }

  async send(message: MailMessage, options: SendOptions = {}): Promise<SentMail> {
    const messageId = messageIdFor(message.key, this.from);
    const raw = await composeRfc5322(message, this.from);
    const { auth, ...connectionOptions } = this.#options;
    const connection = new SMTPConnection(connectionOptions);
    let closed = false;
    const body = new CommitGatedBody(
      raw,
      async () => {
        await options.commit?.(messageId);
        // The server hung up while the commit was written: the "." would go nowhere.
        if (closed) throw new Error('the SMTP connection closed before the message was complete');
      },
      () => options.ending?.(),
    );
    try {
      const response = await new Promise<string>((resolve, reject) => {
        // Kept after the reply too: a late socket error must not go unhandled.
        connection.on('error', reject);
        connection.once('end', () => {
          closed = true;
          reject(new Error('the SMTP server closed the connection'));
        });
        connection.connect((connectError) => {
          if (connectError) return reject(connectError);
          const send = () =>
            connection.send(
              { from: addressOf(this.from), to: [message.to] },
              body,
              (sendError, info) => (sendError ? reject(sendError) : resolve(info!.response)),
            );
          // As nodemailer's own transport does: log in where the server offers it.
          if (auth && connection.allowsAuth) {
            connection.login(auth, (loginError) => (loginError ? reject(loginError) : send()));
          } else send();
        });
      });
      connection.quit();
      this.logger.info({ to: message.to, messageId, response }, 'mail accepted by the SMTP server');
      return { messageId, where: `${safeUrl(this.url)}: ${response}` };
    } catch (err) {
      connection.close();
      const code = (err as { responseCode?: number }).responseCode;
      if (code !== undefined && code >= 500 && code < 600) {
        throw new PermanentJobError(
          `the SMTP server refused the message for good (${code}): ${(err as Error).message}`,
        );
      }
      if (body.ended && code === undefined) {
        throw new DeliveryUnknownError(
          `the SMTP connection failed after the end of message ${messageId}, before the reply: ${(err as Error).message}`,
          messageId,
        );
      }
      throw err;
    }
  }

  async delivered(): Promise<undefined> {
    return undefined;
  }

  async close(): Promise<void> {}
}
