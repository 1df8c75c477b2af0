/**
 * Engine.IO v4 long-polling spoken by hand (the fallback transport: a GET
 * that waits for packets, a POST that carries them, packets separated by
 * U+001E), so a test can post bodies no socket.io client would build.
 */
import { PROTOCOL_VERSION, SOCKET_PATH } from '@tandem/protocol';

const SEPARATOR = '\u001e';
/** A poll the server holds this long has nothing to say (its ping comes every 25 s). */
const POLL_MS = 30_000;

export interface PostResult {
  status: number;
  body: string;
}

export class PollingSocket {
  /** Socket.IO packets the server sent (the text after the Engine.IO `4`; binary as `b<base64>`). */
  readonly packets: string[] = [];
  closed = false;
  private nextAck = 1_000;

  private constructor(
    private readonly base: string,
    readonly sid: string,
  ) {}

  /** Opens a polling session; with `roomId`, also joins the namespace and waits for the welcome. */
  static async open(port: number, roomId?: string): Promise<PollingSocket> {
    const base = `http://127.0.0.1:${port}${SOCKET_PATH}/?EIO=4&transport=polling`;
    const res = await fetch(base, { signal: AbortSignal.timeout(POLL_MS) });
    const text = await res.text();
    if (res.status !== 200 || !text.startsWith('0'))
      throw new Error(`the polling handshake answered ${res.status}: ${text.slice(0, 200)}`);
    const { sid } = JSON.parse(text.slice(1)) as { sid: string };
    const socket = new PollingSocket(base, sid);
    if (roomId !== undefined) {
      await socket.post(`40${JSON.stringify({ v: PROTOCOL_VERSION, roomId, name: 'Mallory' })}`);
      const welcome = await socket.packet(
        (p) => p.startsWith('2["session:welcome"'),
        'the welcome',
      );
      if (welcome === null) throw new Error('the polling session closed before its welcome');
    }
    return socket;
  }

  private get url(): string {
    return `${this.base}&sid=${encodeURIComponent(this.sid)}`;
  }

  /**
   * POSTs `body` as it is (a payload of packets, or anything else). Status 0:
   * the connection failed before an answer was read.
   */
  async post(
    body: string | Uint8Array,
    contentType = 'text/plain;charset=UTF-8',
  ): Promise<PostResult> {
    try {
      const res = await fetch(this.url, {
        method: 'POST',
        headers: { 'content-type': contentType },
        body: typeof body === 'string' ? body : Buffer.from(body),
        signal: AbortSignal.timeout(POLL_MS),
      });
      return { status: res.status, body: await res.text() };
    } catch (err) {
      // A server refusing an oversized body answers 413 and may hang up before it was all sent.
      return { status: 0, body: String((err as Error).cause ?? err) };
    }
  }

  /**
   * One GET: records the packets it brings, answers the server's ping, and
   * marks the session closed when the server closed it or no longer knows it.
   */
  async poll(): Promise<void> {
    const res = await fetch(this.url, { signal: AbortSignal.timeout(POLL_MS) });
    const text = await res.text();
    if (res.status !== 200) {
      this.closed = true;
      return;
    }
    for (const packet of text.split(SEPARATOR)) {
      if (packet === '2') await this.post('3');
      else if (packet === '1') this.closed = true;
      else if (packet.startsWith('4')) this.packets.push(packet.slice(1));
      else if (packet.startsWith('b')) this.packets.push(packet);
    }
  }

  /** Polls until a packet from `from` on passes `test`: it, or null once the session closed. */
  async packet(test: (p: string) => boolean, what: string, from = 0): Promise<string | null> {
    const deadline = Date.now() + POLL_MS;
    for (;;) {
      const found = this.packets.slice(from).find(test);
      if (found !== undefined) return found;
      if (this.closed) return null;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await this.poll();
    }
  }

  /**
   * Posts an acked event the server must answer, and polls for the answer or
   * the close: true when the session still serves, false when it closed.
   */
  async probe(): Promise<boolean> {
    if (this.closed) return false;
    const id = this.nextAck++;
    const from = this.packets.length;
    const posted = await this.post(`42${id}["sync:step1"]`);
    if (posted.status !== 200) return false;
    const answer = await this.packet((p) => p.startsWith(`3${id}[`), 'the probe', from);
    return answer !== null;
  }

  /** Tells the server this session is over (an Engine.IO close packet). */
  async close(): Promise<void> {
    if (!this.closed) await this.post('1').catch(() => undefined);
    this.closed = true;
  }
}
