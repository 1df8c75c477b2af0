import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import type { Logger } from 'pino';
import {
  composeRfc5322,
  messageIdFor,
  type MailMessage,
  type Mailer,
  type SendOptions,
  type SentMail,
} from './mailer.js';

/**
 * The default mailer: each email becomes `<dir>/<key>.eml`, an RFC 5322
 * message any mail client opens. The file is written under a temporary name,
 * flushed, then renamed, so the folder never holds half a message; a key whose
 * file exists is not written again.
 */
export class OutboxMailer implements Mailer {
  readonly kind = 'outbox';

  constructor(
    private readonly dir: string,
    private readonly from: string,
    private readonly logger: Logger,
  ) {}

  async send(message: MailMessage, options: SendOptions = {}): Promise<SentMail> {
    const messageId = messageIdFor(message.key, this.from);
    const file = this.#file(message);
    if (await exists(file)) return { messageId, where: file };
    await fs.mkdir(this.dir, { recursive: true });
    const temp = path.join(this.dir, `.${message.key}.${randomBytes(4).toString('hex')}.tmp`);
    const handle = await fs.open(temp, 'wx', 0o600);
    try {
      await handle.writeFile(await composeRfc5322(message, this.from));
      await handle.sync();
    } finally {
      await handle.close();
    }
    try {
      await options.commit?.(messageId);
    } catch (err) {
      await fs.rm(temp, { force: true });
      throw err;
    }
    options.ending?.();
    await fs.rename(temp, file);
    this.logger.info({ file, to: message.to, subject: message.subject }, `mail written to ${file}`);
    return { messageId, where: file };
  }

  delivered(message: MailMessage): Promise<boolean> {
    return exists(this.#file(message));
  }

  async close(): Promise<void> {}

  #file(message: MailMessage): string {
    return path.join(this.dir, `${message.key}.eml`);
  }
}

async function exists(file: string): Promise<boolean> {
  try {
    await fs.access(file);
    return true;
  } catch {
    return false;
  }
}
