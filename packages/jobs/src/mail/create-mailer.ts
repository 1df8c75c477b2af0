import path from 'node:path';
import type { Logger } from 'pino';
import type { Mailer } from './mailer.js';
import { OutboxMailer } from './outbox-mailer.js';
import { SmtpMailer } from './smtp-mailer.js';

export interface MailerConfig {
  smtpUrl: string | undefined;
  mailFrom: string;
  dataDir: string;
}

/** SMTP when `smtpUrl` is set, else the outbox folder `dataDir/mail`. */
export function createMailer(config: MailerConfig, logger: Logger): Mailer {
  return config.smtpUrl
    ? new SmtpMailer(config.smtpUrl, config.mailFrom, logger)
    : new OutboxMailer(path.join(config.dataDir, 'mail'), config.mailFrom, logger);
}
