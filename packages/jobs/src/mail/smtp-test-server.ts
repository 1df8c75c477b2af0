/**
 * A real SMTP server on loopback for tests (the `smtp-server` package):
 * records every message it accepts, and can refuse or hold messages to play
 * an outage or a slow server.
 */
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

export interface TestSmtpServer {
  /** `smtp://127.0.0.1:<port>` */
  url: string;
  /** Raw RFC 5322 text of every message accepted (250 sent to a connected client), in order. */
  accepted: Buffer[];
  /** RCPT TO / DATA commands seen (attempts, accepted or not). */
  attempts: { rcpt: number; data: number };
  /** Refuse the next `n` messages at `stage` with `code` (4xx: temporary, 5xx: permanent). */
  refuseNext(n: number, stage: 'rcpt' | 'data', code?: number): void;
  /**
   * Keeps the next message's DATA unanswered until `release()`: `held`
   * resolves when it arrives, `gone` when its client has disconnected (a
   * message released after that is not accepted).
   */
  holdNext(): { held: Promise<void>; gone: Promise<void>; release: () => void };
  close(): Promise<void>;
}

export async function startTestSmtpServer(): Promise<TestSmtpServer> {
  const accepted: Buffer[] = [];
  const attempts = { rcpt: 0, data: 0 };
  const refusals: { stage: 'rcpt' | 'data'; code: number }[] = [];
  const holds: { arrived: () => void; released: Promise<void>; gone: () => void }[] = [];
  const closedSessions = new Set<string>();
  const onGone = new Map<string, () => void>();

  const refuse = (stage: 'rcpt' | 'data'): Error | null => {
    if (refusals[0]?.stage !== stage) return null;
    const { code } = refusals.shift()!;
    return Object.assign(new Error(`refused by the test server (${code})`), { responseCode: code });
  };

  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onRcptTo(_address, _session, callback) {
      attempts.rcpt++;
      callback(refuse('rcpt'));
    },
    onClose(session) {
      closedSessions.add(session.id);
      onGone.get(session.id)?.();
    },
    onData(stream, session, callback) {
      attempts.data++;
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        const hold = holds.shift();
        const answer = () => {
          const err = refuse('data');
          // A client gone before the reply never learnt of the acceptance: not counted.
          if (!err && !closedSessions.has(session.id)) accepted.push(Buffer.concat(chunks));
          callback(err);
        };
        if (hold) {
          onGone.set(session.id, hold.gone);
          hold.arrived();
          void hold.released.then(answer);
        } else answer();
      });
    },
  });
  server.on('error', () => undefined); // a client vanishing mid-message is part of some tests
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.server.address() as AddressInfo;

  return {
    url: `smtp://127.0.0.1:${port}`,
    accepted,
    attempts,
    refuseNext(n, stage, code = 451) {
      for (let i = 0; i < n; i++) refusals.push({ stage, code });
    },
    holdNext() {
      let arrived!: () => void;
      let release!: () => void;
      let gone!: () => void;
      const held = new Promise<void>((r) => (arrived = r));
      const released = new Promise<void>((r) => (release = r));
      const disconnected = new Promise<void>((r) => (gone = r));
      holds.push({ arrived, released, gone });
      return { held, gone: disconnected, release };
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
