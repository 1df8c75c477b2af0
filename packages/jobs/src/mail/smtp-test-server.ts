/**
 * A real SMTP server on loopback for tests (the `smtp-server` package):
 * records every message it accepts, and can refuse, hold or drop messages to
 * play an outage, a slow server or a lost reply.
 *
 * Like a real mail server (Postfix, Exim), it takes responsibility for a
 * message once the message is complete (its final "." arrived) and it
 * decides to answer 250, whether or not the client is still there to read
 * the reply: a client that vanished in that instant leaves the message
 * delivered (RFC 1047). `holdNext({ discardIfClientGone: true })` plays the
 * other kind, which drops such a message.
 *
 * `smtp-server` itself drops a message whose final "." it had read from the
 * socket but not yet parsed when the client vanished (it parses in later
 * ticks). A real MTA reads through the "." before it sees the end of the
 * connection, so here such a message is recovered from the connection's raw
 * bytes and counted as accepted (`recovered` says how many were).
 */
import type { AddressInfo, Socket } from 'node:net';
import { SMTPServer } from 'smtp-server';

export interface HoldOptions {
  /** Drop the held message if its client disconnected before `release()`. */
  discardIfClientGone?: boolean;
}

export interface TestSmtpServer {
  /** `smtp://127.0.0.1:<port>` */
  url: string;
  /** Raw RFC 5322 text of every message accepted (answered 250, or taken before the reply was lost), in order. */
  accepted: Buffer[];
  /** RCPT TO / DATA commands seen (attempts, accepted or not). */
  attempts: { rcpt: number; data: number };
  /** Messages complete on the wire whose client vanished before smtp-server parsed their end (see above). */
  readonly recovered: number;
  /** Refuse the next `n` messages at `stage` with `code` (4xx: temporary, 5xx: permanent). */
  refuseNext(n: number, stage: 'rcpt' | 'data', code?: number): void;
  /**
   * Keeps the next message's DATA unanswered until `release()`: `held`
   * resolves when it arrives (complete, its final "." received), `gone` when
   * its client has disconnected.
   */
  holdNext(options?: HoldOptions): {
    held: Promise<void>;
    gone: Promise<void>;
    release: () => void;
  };
  /**
   * Accepts the next complete message but cuts its connection instead of
   * answering: the client never learns that it was delivered.
   */
  dropNextReply(): void;
  close(): Promise<void>;
}

interface Hold {
  arrived: () => void;
  released: Promise<void>;
  gone: () => void;
  discardIfClientGone: boolean;
}

export async function startTestSmtpServer(): Promise<TestSmtpServer> {
  const accepted: Buffer[] = [];
  const attempts = { rcpt: 0, data: 0 };
  const refusals: { stage: 'rcpt' | 'data'; code: number }[] = [];
  const holds: Hold[] = [];
  let dropReplies = 0;
  const closedSessions = new Set<string>();
  const onGone = new Map<string, () => void>();
  const sockets = new Map<string, Socket>();
  /** Connections whose message smtp-server delivered to `onData`'s end (or that a test chose to drop). */
  const answered = new Set<string>();
  /** The data stream smtp-server gave `onData`, by connection. */
  const dataStreams = new Map<string, NodeJS.ReadableStream & { writableEnded?: boolean }>();
  let recovered = 0;
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
      dataStreams.set(`${session.remoteAddress}:${session.remotePort}`, stream);
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        answered.add(`${session.remoteAddress}:${session.remotePort}`);
        const hold = holds.shift();
        const answer = () => {
          const err = refuse('data');
          const discarded = hold?.discardIfClientGone && closedSessions.has(session.id);
          if (!err && !discarded) accepted.push(Buffer.concat(chunks));
          if (!err && dropReplies > 0) {
            dropReplies--;
            sockets.get(`${session.remoteAddress}:${session.remotePort}`)?.destroy();
            return;
          }
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
  server.server.on('connection', (socket: Socket) => {
    const id = `${socket.remoteAddress}:${socket.remotePort}`;
    sockets.set(id, socket);
    const raw: Buffer[] = [];
    let size = 0;
    socket.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= 1 << 20) raw.push(chunk);
    });
    socket.once('close', () => {
      sockets.delete(id);
      const stream = dataStreams.get(id);
      dataStreams.delete(id);
      // Answered, or parsed to its end with the 'end' event still to come: smtp-server has it.
      if (answered.delete(id) || stream?.writableEnded) return;
      const message = completeMessage(Buffer.concat(raw));
      if (message) {
        recovered++;
        accepted.push(message);
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.server.address() as AddressInfo;
  return {
    url: `smtp://127.0.0.1:${port}`,
    accepted,
    attempts,
    get recovered() {
      return recovered;
    },
    refuseNext(n, stage, code = 451) {
      for (let i = 0; i < n; i++) refusals.push({ stage, code });
    },
    holdNext(options = {}) {
      let arrived!: () => void;
      let release!: () => void;
      let gone!: () => void;
      const held = new Promise<void>((r) => (arrived = r));
      const released = new Promise<void>((r) => (release = r));
      const disconnected = new Promise<void>((r) => (gone = r));
      holds.push({
        arrived,
        released,
        gone,
        discardIfClientGone: options.discardIfClientGone ?? false,
      });
      return { held, gone: disconnected, release };
    },
    dropNextReply() {
      dropReplies++;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** The message of a client's raw bytes if its DATA got as far as the final ".", dot-unstuffed. */
function completeMessage(raw: Buffer): Buffer | null {
  const text = raw.toString('latin1');
  const data = /(^|\r\n)DATA\r\n/i.exec(text);
  if (!data) return null;
  const body = data.index + data[0].length;
  const end = text.indexOf('\r\n.\r\n', body - 2);
  if (end < 0) return null;
  const message = text.slice(body, end + 2).replace(/(^|\r\n)\./g, '$1');
  return Buffer.from(message, 'latin1');
}
