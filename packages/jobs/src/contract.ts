/** The seams' contract suites (vitest), for the tests of each implementation. */
export { queueContract, type QueueHarness, type QueueOptions } from './queue/queue.contract.js';
export { waitFor } from './wait-for.js';
export { mailerContract, type MailerHarness } from './mail/mailer.contract.js';
export { sentLogContract } from './mail/sent-log.contract.js';
export {
  startTestSmtpServer,
  type HoldOptions,
  type TestSmtpServer,
} from './mail/smtp-test-server.js';
/** Parses a raw RFC 5322 message as a mail client would (mailparser). */
export { simpleParser as parseMail } from 'mailparser';
