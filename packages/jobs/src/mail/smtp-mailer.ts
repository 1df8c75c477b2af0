import nodemailer, { type Transporter } from 'nodemailer';
import type { Logger } from 'pino';
import { PermanentJobError } from '../queue/queue.js';
import { toNodemailer, type MailMessage, type Mailer, type SentMail } from './mailer.js';

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

/**
 * Sends through an SMTP server (`SMTP_URL`, e.g. `smtps://user:pass@mail.example.com`)
 * with nodemailer, one connection per message. A 5xx reply is permanent
 * (PermanentJobError); anything else (4xx, a refused or dropped connection,
 * a timeout) may pass on a retry.
 */
export class SmtpMailer implements Mailer {
  readonly kind = 'smtp';
  readonly #transport: Transporter;

  constructor(
    private readonly url: string,
    private readonly from: string,
    private readonly logger: Logger,
  ) {
    this.#transport = nodemailer.createTransport({
      url,
      connectionTimeout: 15_000,
      greetingTimeout: 15_000,
      socketTimeout: 30_000,
    });
  }

  async send(message: MailMessage): Promise<SentMail> {
    const options = toNodemailer(message, this.from);
    try {
      const info = await this.#transport.sendMail(options);
      this.logger.info(
        { to: message.to, messageId: options.messageId, response: info.response },
        'mail accepted by the SMTP server',
      );
      return {
        messageId: String(options.messageId),
        where: `${safeUrl(this.url)}: ${info.response}`,
      };
    } catch (err) {
      const code = (err as { responseCode?: number }).responseCode;
      if (code !== undefined && code >= 500 && code < 600) {
        throw new PermanentJobError(
          `the SMTP server refused the message for good (${code}): ${(err as Error).message}`,
        );
      }
      throw err;
    }
  }

  async close(): Promise<void> {
    this.#transport.close();
  }
}
