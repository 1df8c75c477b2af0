/**
 * A bare WebSocket speaking Engine.IO v4 / Socket.IO v5 by hand, so a test
 * can send packets no socket.io client would build: broken encodings,
 * attachments that never come, packets before the namespace is joined.
 */
import WebSocket from 'ws';
import { PROTOCOL_VERSION, SOCKET_PATH } from '@tandem/protocol';

export class EngineSocket {
  /** Socket.IO packets the server sent (the text after the Engine.IO `4`). */
  readonly packets: string[] = [];
  closed = false;
  private nextAck = 1_000;
  private waiters: Array<() => void> = [];

  private constructor(private readonly ws: WebSocket) {
    ws.on('message', (data, isBinary) => {
      if (isBinary) return;
      const text = data.toString();
      if (text === '2')
        ws.send('3'); // ping → pong
      else if (text.startsWith('4')) this.packets.push(text.slice(1));
      this.wake();
    });
    ws.on('close', () => {
      this.closed = true;
      this.wake();
    });
    ws.on('error', () => {
      this.closed = true;
      this.wake();
    });
  }

  /** Opens the transport; with `roomId`, also joins the namespace and waits for the welcome. */
  static async open(port: number, roomId?: string): Promise<EngineSocket> {
    const ws = new WebSocket(`ws://127.0.0.1:${port}${SOCKET_PATH}/?EIO=4&transport=websocket`);
    const socket = new EngineSocket(ws);
    await socket.until(() => ws.readyState === WebSocket.OPEN, 'the transport to open');
    if (roomId !== undefined) {
      ws.send(`40${JSON.stringify({ v: PROTOCOL_VERSION, roomId, name: 'Mallory' })}`);
      await socket.until(
        () => socket.packets.some((p) => p.startsWith('2["session:welcome"')),
        'the welcome',
      );
    }
    return socket;
  }

  send(data: string | Buffer): void {
    if (this.ws.readyState === WebSocket.OPEN) this.ws.send(data);
  }

  /**
   * Sends an acked event the server must answer, and waits for the answer or
   * the close: true when the connection still serves, false when it closed.
   */
  async probe(): Promise<boolean> {
    if (this.closed) return false;
    const id = this.nextAck++;
    this.send(`42${id}["sync:step1"]`);
    await this.until(
      () => this.closed || this.packets.some((p) => p.startsWith(`3${id}[`)),
      'an answer to the probe or the close',
    );
    return !this.closed;
  }

  /**
   * Waits for a packet (received from `from` on) that passes `test`: it, or
   * null when the connection closed first.
   */
  async packet(test: (p: string) => boolean, what: string, from = 0): Promise<string | null> {
    const find = () => this.packets.slice(from).find(test);
    await this.until(() => this.closed || find() !== undefined, what).catch((err: Error) => {
      if (!this.closed) throw err;
    });
    return find() ?? null;
  }

  close(): void {
    this.ws.terminate();
  }

  private wake(): void {
    for (const w of this.waiters.splice(0)) w();
  }

  private async until(done: () => boolean, what: string, timeoutMs = 15_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!done()) {
      if (this.closed && !done()) throw new Error(`closed while waiting for ${what}`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out waiting for ${what}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }
}
