import { createHash } from 'node:crypto';
import type { JobQueue } from '../queue/queue.js';
import { WELCOME_JOB, welcomeJobSchema } from './mail-jobs.js';

export interface WelcomeRequest {
  email: string;
  displayName: string;
  accountId?: string;
}

/** An idempotency-key-safe form of an id: itself when it fits, else a hash of it. */
function keyPart(value: string): string {
  return /^[A-Za-z0-9._~@+-]{1,150}$/.test(value)
    ? value
    : createHash('sha256').update(value).digest('hex').slice(0, 40);
}

/**
 * The producer side of mail: each method only enqueues a job (stored before
 * it resolves) and never waits for the email itself.
 *
 * @example
 * // after sign-up
 * await app.mail.sendWelcome({ email, displayName, accountId: account.id });
 */
export class MailService {
  constructor(
    private readonly queue: JobQueue,
    /** The link in emails: PUBLIC_URL, or this node's own address. */
    private readonly appUrl: string,
  ) {}

  /**
   * Queues the welcome email of a new account. One per account (or per
   * address, without an account id): calling again adds nothing.
   * Throws a ZodError for a malformed address or name.
   */
  async sendWelcome(request: WelcomeRequest): Promise<{ jobId: string }> {
    const payload = welcomeJobSchema.parse({ ...request, appUrl: this.appUrl });
    const who = payload.accountId ?? `email.${payload.email.toLowerCase()}`;
    const { id } = await this.queue.enqueue(WELCOME_JOB, payload, {
      idempotencyKey: `welcome.${keyPart(who)}`,
    });
    return { jobId: id };
  }
}
