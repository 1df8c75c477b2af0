/**
 * The mail jobs. `registerMailJobs` gives a queue their handlers (the server
 * in the embedded shape, worker processes in the scaled one); `MailService`
 * (`mail-service.ts`) is the producer side.
 */
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { Logger } from 'pino';
import { AccountDisplayNameSchema, EmailSchema, MAIL_QUEUE } from '@tandem/protocol';
import { PermanentJobError, type JobQueue } from '../queue/queue.js';
import { DeliveryUnknownError, type MailMessage, type Mailer } from './mailer.js';
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
  /**
   * How long a claim whose end never went out is left to its attempt, which
   * may only be slow, before another attempt takes it over and sends the
   * email itself. The job lease (JOB_LEASE_MS) is the natural value: an
   * attempt stalled for longer has lost its job anyway.
   */
  claimGraceMs: number;
}

/**
 * Another attempt of the same email claimed it and may still be sending it:
 * this one stands back, and its job retries later.
 */
export class MailClaimedElsewhereError extends Error {
  override name = 'MailClaimedElsewhereError';
}

/**
 * Sends `message` unless the sent log says it went out already, so that a
 * retried or recovered job never sends an email twice (docs/DECISIONS.md,
 * "An email is claimed in the sent log ..."):
 *
 * 1. `begin` counts the attempt; a sent key ends here.
 * 2. The mailer streams the message. Before its final "." (the point of no
 *    return) the attempt claims the key with a token of its own, waiting for
 *    the claim; then, in one go, it notes `ending` and lets the "." go.
 * 3. After the server's 250 the key is recorded as sent.
 *
 * An attempt that finds an earlier one's claim does not send again blindly:
 * where the mailer can tell (the outbox), it asks whether the email went
 * out. Where it cannot (SMTP): a claim whose end went out is taken as
 * delivered, recorded `uncertain` and logged with its Message-ID; a claim
 * whose end never went out is waited out for `claimGraceMs`, then taken
 * over (the server never had the whole message). An attempt whose
 * connection failed after its own "." is taken as delivered too.
 */
export async function deliverOnce(
  message: MailMessage,
  { mailer, sentLog, claimGraceMs }: MailJobDeps,
  logger: Logger,
): Promise<void> {
  const { key } = message;
  const record = await sentLog.begin(key);
  if (record.state === 'sent') {
    logger.info({ key }, 'mail was sent already; not sending it again');
    return;
  }
  let replacing: string | undefined;
  if (record.state === 'claimed') {
    const delivered = await mailer.delivered(message);
    const { messageId, attemptsBefore, ageMs } = record;
    if (delivered === true || (delivered === undefined && record.ended)) {
      await sentLog.markSent(key, messageId, delivered === undefined);
      logger.warn(
        { key, messageId, attemptsBefore },
        delivered
          ? 'an earlier attempt delivered this mail without recording it; recorded now'
          : 'an earlier attempt stopped after the end of this mail, before the server answered: taken as delivered, not sent again (look for its Message-ID in the mail server log if it is missing)',
      );
      return;
    }
    if (delivered === undefined && ageMs < claimGraceMs) {
      throw new MailClaimedElsewhereError(
        `an attempt claimed mail ${key} ${ageMs} ms ago and may still be sending it; trying again later`,
      );
    }
    // Its end never went out: the server never had the whole message.
    replacing = record.token;
  }
  if (record.attemptsBefore > 0) {
    logger.info(
      { key, attemptsBefore: record.attemptsBefore },
      'sending mail again after earlier attempts',
    );
  }
  const token = randomUUID();
  let claimed = false;
  try {
    const { messageId, where } = await mailer.send(message, {
      commit: async (messageId) => {
        if (!(await sentLog.claim(key, token, messageId, replacing))) {
          throw new MailClaimedElsewhereError(`another attempt is sending mail ${key}`);
        }
        claimed = true;
      },
      ending: () => sentLog.ending(key, token),
    });
    await sentLog.markSent(key, messageId);
    logger.info({ key, messageId, where, mailer: mailer.kind }, 'mail delivered');
  } catch (err) {
    if (err instanceof DeliveryUnknownError) {
      await sentLog.markSent(key, err.messageId, true);
      logger.warn(
        { key, err },
        'the mail server may or may not have this mail: not sending it again',
      );
      return;
    }
    if (claimed) {
      await sentLog
        .release(key, token)
        .catch((releaseError: unknown) =>
          logger.error({ key, err: releaseError }, 'could not release the claim on a refused mail'),
        );
    }
    throw err;
  }
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
