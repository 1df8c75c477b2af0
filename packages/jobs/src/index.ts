export * from './queue/queue.js';
export { BullMqQueue, RUN_RETRY_DELAY_MS, type BullMqQueueOptions } from './queue/bullmq-queue.js';
export * from './mail/mailer.js';
export { OutboxMailer } from './mail/outbox-mailer.js';
export { SmtpMailer } from './mail/smtp-mailer.js';
export { createMailer, type MailerConfig } from './mail/create-mailer.js';
export { RedisSentLog, type SentEntry, type SentLog, type SentRecord } from './mail/sent-log.js';
export {
  WELCOME_JOB,
  MailClaimedElsewhereError,
  deliverOnce,
  registerMailJobs,
  type MailJobDeps,
} from './mail/mail-jobs.js';
export { MailService, type WelcomeRequest } from './mail/mail-service.js';
