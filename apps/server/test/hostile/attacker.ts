/**
 * A raw socket.io client that sends whatever a test makes it send, and
 * checks that every frame gets the answer the protocol promises: an ack
 * (success, or an error with a catalogue code) when it passed a callback, a
 * `protocol:error` when it did not, or nothing where the protocol says so
 * (`awareness:update` takes no ack).
 */
import { io, type Socket } from 'socket.io-client';
import { ERRORS, PROTOCOL_VERSION, SOCKET_PATH, type ErrorBody } from '@tandem/protocol';
import type { Frame } from './frame-arbitraries.js';

/** Generous: the machine is shared and loaded; a frame that is answered at all is answered much sooner. */
const ANSWER_MS = 15_000;

/** Codes that mean the server failed, not the input: never an answer to bad input. */
const SERVER_FAILURES = new Set(['INTERNAL', 'STORE_UNAVAILABLE', 'ROOM_UNAVAILABLE']);

/** Why `value` is not an error body from the catalogue, or null when it is one. */
export function notCatalogueError(value: unknown): string | null {
  if (typeof value !== 'object' || value === null) return `not an object: ${String(value)}`;
  const { code, message } = value as { code?: unknown; message?: unknown };
  if (typeof code !== 'string' || !(code in ERRORS)) return `code ${String(code)} is not in ERRORS`;
  if (SERVER_FAILURES.has(code)) return `the server failed: ${code} (${String(message)})`;
  if (typeof message !== 'string' || message === '') return 'no message';
  return null;
}

/**
 * The error bodies among raw Socket.IO packets the server sent (a
 * `protocol:error` event, or an ack with `ok: false`) that are not from the
 * catalogue, each described.
 */
export function wrongAnswers(packets: readonly string[]): string[] {
  return packets.flatMap((p) => {
    const match = /^(?:2\["protocol:error",(.*)\]|3\d+\[(.*)\])$/s.exec(p);
    const body = match?.[1] ?? match?.[2];
    if (body === undefined) return [];
    const parsed = JSON.parse(body) as { ok?: boolean };
    if (match?.[2] !== undefined && parsed.ok !== false) return [];
    const wrong = notCatalogueError(parsed);
    return wrong ? [`${p.slice(0, 120)}: ${wrong}`] : [];
  });
}

export interface Outcome {
  kind: 'ok' | 'error' | 'ignored';
  code?: string;
}

export interface AuthFields {
  roomId: string;
  name: string;
  accessToken?: string;
  guestToken?: string;
}

export class Attacker {
  /** Set when the server disconnected this socket, with why. */
  disconnected: string | null = null;
  private readonly unclaimed: ErrorBody[] = [];
  private readonly claimers: Array<(e: ErrorBody) => boolean> = [];

  private constructor(
    readonly role: string,
    readonly socket: Socket,
  ) {
    socket.on('protocol:error', (body: ErrorBody) => {
      const i = this.claimers.findIndex((claim) => claim(body));
      if (i >= 0) this.claimers.splice(i, 1);
      else this.unclaimed.push(body);
    });
    socket.on('disconnect', (reason) => {
      this.disconnected ??= reason;
    });
    socket.on('session:closed', (info: { code: number; reason: string }) => {
      this.disconnected ??= `session:closed ${info.code} ${info.reason}`;
    });
  }

  /** Connects and waits to be in the room (welcome) or in the lobby (lobby:status). */
  static async connect(url: string, role: string, auth: AuthFields): Promise<Attacker> {
    const socket = io(url, {
      path: SOCKET_PATH,
      transports: ['websocket'],
      reconnection: false,
      forceNew: true,
      auth: { v: PROTOCOL_VERSION, ...auth },
    });
    await new Promise<void>((resolve, reject) => {
      socket.once('session:welcome', () => resolve());
      socket.once('lobby:status', () => resolve());
      socket.once('connect_error', (err) => reject(new Error(`${role}: ${err.message}`)));
    });
    return new Attacker(role, socket);
  }

  /** Protocol errors that no frame accounted for. */
  get stray(): readonly ErrorBody[] {
    return this.unclaimed;
  }

  /** Sends one frame and checks its answer; throws naming the frame when it is wrong. */
  async send(frame: Frame): Promise<Outcome> {
    if (this.disconnected) throw new Error(`${this.role} was disconnected: ${this.disconnected}`);
    const event = frame.event as string;
    const name = String(frame.event).slice(0, 64);
    const what = `${this.role} ${JSON.stringify(name)} (ack: ${frame.ack})`;
    if (frame.ack === 'callback') {
      let reply: unknown;
      try {
        reply = await this.socket.timeout(ANSWER_MS).emitWithAck(event, ...frame.args);
      } catch {
        throw new Error(
          `${what}: no ack within ${ANSWER_MS} ms (${this.disconnected ?? 'connected'})`,
        );
      }
      const r = reply as { ok?: unknown };
      if (r?.ok === true) return { kind: 'ok' };
      const wrong =
        r?.ok === false ? notCatalogueError(reply) : `ack is not { ok }: ${JSON.stringify(reply)}`;
      if (wrong) throw new Error(`${what}: ${wrong}`);
      return { kind: 'error', code: (reply as ErrorBody).code };
    }
    const args = frame.ack === 'none' ? frame.args : [...frame.args, 42];
    if (frame.event === 'awareness:update') {
      // Valid presence is applied silently; only a refusal answers. An acked frame after it proves it was read.
      this.socket.emit(event, ...args);
      await this.socket.timeout(ANSWER_MS).emitWithAck('sync:step1', new Uint8Array([0]));
      return { kind: 'ignored' };
    }
    const answered = new Promise<ErrorBody>((resolve) => {
      const earlier = this.unclaimed.findIndex((e) => e.event === name);
      if (earlier >= 0) return resolve(this.unclaimed.splice(earlier, 1)[0]!);
      this.claimers.push((e) => {
        if (e.event !== name) return false;
        resolve(e);
        return true;
      });
    });
    this.socket.emit(event, ...args);
    let timer: ReturnType<typeof setTimeout> | undefined;
    const body = await Promise.race([
      answered,
      new Promise<null>((resolve) => {
        timer = setTimeout(() => resolve(null), ANSWER_MS);
      }),
    ]);
    clearTimeout(timer);
    if (body === null) {
      const seen = this.unclaimed.map((e) => `${e.event}: ${e.code}`).join(', ');
      throw new Error(`${what}: no protocol:error within ${ANSWER_MS} ms (unclaimed: ${seen})`);
    }
    const wrong = notCatalogueError(body);
    if (wrong) throw new Error(`${what}: ${wrong}`);
    return { kind: 'error', code: body.code };
  }

  close(): void {
    this.socket.disconnect();
  }
}
