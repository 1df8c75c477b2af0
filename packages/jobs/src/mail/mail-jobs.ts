/**
 * The mail jobs. `registerMailJobs` gives a queue their handlers (the server
 * in the embedded shape, worker processes in the scaled one); `MailService`
 * (`mail-service.ts`) is the producer side.
 */
import { z } from 'zod';
import type { Logger } from 'pino';
import { AccountDisplayNameSchema, EmailSchema, MAIL_QUEUE } from '@tandem/protocol';
import { PermanentJobError, type JobQueue } from '../queue/queue.js';
import type { MailMessage, Mailer } from './mailer.js';
import type { SentLog } from './sent-log.js';
import { renderWelcome } from './welcome.js';

/** In the queue `mail` (the BullMQ queue of that name in the scaled shape). */
export const WELCOME_JOB = `${MAIL_QUEUE}.welcome`;

/** The payload of `mail.welcome`, checked again by the handler (it comes back from Redis or the database). */
export const welcomeJobSchema = z.object({
  email: EmailSchema,
  displayName: AccountDisplayNameSchema,
  accountId: z.string().min(1).max(200).optional(),
  /** The link in the email: PUBLIC_URL, fixed when the job is enqueued. */
  appUrl: z.url({ protocol: /^https?$/ }),
});
export type WelcomeJob = z.infer<typeof welcomeJobSchema>;

export interface MailJobDeps {
  mailer: Mailer;
  sentLog: SentLog;
}

/**
 * Sends `message` unless the sent log says it went out already. The record is
 * written right after delivery: a process that dies between the SMTP server's
 * acceptance and that write leaves the email "not sent", and the retry sends
 * it again, with the same Message-ID (docs/DECISIONS.md, "Mail is sent at
 * least once ...").
 */
export async function deliverOnce(
  message: MailMessage,
  { mailer, sentLog }: MailJobDeps,
  logger: Logger,
): Promise<void> {
  const { sent, attemptsBefore } = await sentLog.begin(message.key);
  if (sent) {
    logger.info({ key: message.key }, 'mail was sent already; not sending it again');
    return;
  }
  if (attemptsBefore > 0) {
    logger.info({ key: message.key, attemptsBefore }, 'sending mail again after earlier attempts');
  }
  const { messageId, where } = await mailer.send(message);
  await sentLog.markSent(message.key, messageId);
  logger.info({ key: message.key, messageId, where, mailer: mailer.kind }, 'mail delivered');
}

export function registerMailJobs(queue: JobQueue, deps: MailJobDeps): void {
  queue.handle(WELCOME_JOB, async (payload, job) => {
    const parsed = welcomeJobSchema.safeParse(payload);
    if (!parsed.success) {
      throw new PermanentJobError(
        `malformed ${WELCOME_JOB} payload: ${z.prettifyError(parsed.error)}`,
      );
    }
    const { email, displayName, appUrl } = parsed.data;
    const content = renderWelcome({ displayName, appUrl });
    await deliverOnce({ key: job.idempotencyKey, to: email, ...content }, deps, job.logger);
  });
}
