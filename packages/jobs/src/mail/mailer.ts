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

export interface Mailer {
  readonly kind: 'outbox' | 'smtp';
  /**
   * Delivers the message: resolves once it is written (outbox) or accepted
   * by the server (SMTP). Throws PermanentJobError for a refusal that a retry
   * cannot fix (an SMTP 5xx reply), any other error for a transient one.
   */
  send(message: MailMessage): Promise<SentMail>;
  close(): Promise<void>;
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
