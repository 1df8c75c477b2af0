/**
 * The Mailer seam: where an email goes. Default: an outbox folder of `.eml`
 * files (`outbox-mailer.ts`); with `SMTP_URL`: an SMTP server through
 * nodemailer (`smtp-mailer.ts`). Both pass `mailer.contract.ts`.
 */
import { createHash } from 'node:crypto';
import nodemailer from 'nodemailer';
import type Mail from 'nodemailer/lib/mailer/index.js';

export interface MailMessage {
  /** The email's idempotency key: the same key is the same email (and the same Message-ID). */
  key: string;
  to: string;
  subject: string;
  text: string;
  html: string;
}

export interface SentMail {
  messageId: string;
  /** The outbox file, or the SMTP server's reply. */
  where: string;
}

export interface SendOptions {
  /**
   * Called once, at the last moment the message can still be taken back:
   * SMTP, the whole body is at the server and only the final "." is left to
   * send; outbox, the file is flushed under its temporary name. If it
   * rejects, the message is abandoned undelivered and `send` rejects with
   * its error. The mail job writes its claim in the sent log here
   * (docs/DECISIONS.md, "An email is claimed in the sent log ...").
   */
  commit?: (messageId: string) => Promise<void>;
  /**
   * Called synchronously once `commit` resolved, right before the final "."
   * (outbox: the rename) is let go, for a note that must be on its way
   * before the "." is and is not waited for.
   */
  ending?: () => void;
}

export interface Mailer {
  readonly kind: 'outbox' | 'smtp';
  /**
   * Delivers the message: resolves once it is written (outbox) or accepted
   * by the server (SMTP). Throws PermanentJobError for a refusal that a retry
   * cannot fix (an SMTP 5xx reply), DeliveryUnknownError when the server may
   * or may not have it (the connection failed after the final "."), any
   * other error for a transient failure before that.
   */
  send(message: MailMessage, options?: SendOptions): Promise<SentMail>;
  /**
   * Whether `message` was delivered, where the mailer can tell: the outbox
   * can (the file is there or not); an SMTP server cannot be asked, so the
   * SMTP mailer answers `undefined`.
   */
  delivered(message: MailMessage): Promise<boolean | undefined>;
  close(): Promise<void>;
}

/**
 * The server may or may not have the message: the connection failed after
 * the final "." was sent, before the reply came. Sending again could deliver
 * it twice.
 */
export class DeliveryUnknownError extends Error {
  override name = 'DeliveryUnknownError';
  constructor(
    message: string,
    /** The Message-ID of the email in doubt, to look for in the server's log. */
    readonly messageId: string,
  ) {
    super(message);
  }
}

/**
 * The Message-ID of the email with this key: the same on every attempt, so a
 * receiver that sees a duplicate (see docs/DECISIONS.md) can tell it is one.
 */
export function messageIdFor(key: string, from: string): string {
  const address = /<([^>]+)>/.exec(from)?.[1] ?? from;
  const domain = address.includes('@') ? address.slice(address.lastIndexOf('@') + 1) : 'localhost';
  const id = createHash('sha256').update(key).digest('hex').slice(0, 32);
  return `<${id}.tandem@${domain.trim() || 'localhost'}>`;
}

/** The nodemailer message of `message`, sent from `from`. */
export function toNodemailer(message: MailMessage, from: string): Mail.Options {
  return {
    from,
    to: message.to,
    subject: message.subject,
    text: message.text,
    html: message.html,
    messageId: messageIdFor(message.key, from),
  };
}

const composer = nodemailer.createTransport({
  streamTransport: true,
  buffer: true,
  newline: 'windows',
});

/** The whole message as RFC 5322 text (CRLF line ends), as it would travel over SMTP. */
export async function composeRfc5322(message: MailMessage, from: string): Promise<Buffer> {
  const info = await composer.sendMail(toNodemailer(message, from));
  return info.message as Buffer;
}
