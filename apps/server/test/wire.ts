/**
 * Socket.IO packets as a client decodes them, for tests that check what
 * reached the wire rather than what a listener saw. What a connection-state
 * recovery replays is written before the reconnect's CONNECT packet.
 */
export const CONNECT = 0;
const EVENT = 2;
export const CONNECT_ERROR = 4;
const BINARY_EVENT = 5;
export interface Packet {
  type: number;
  data?: unknown;
}
const isEvent = (p: Packet) => p.type === EVENT || p.type === BINARY_EVENT;
const eventName = (p: Packet) => (p.data as unknown[])[0] as string;

/** Every Socket.IO packet a client decodes, whether anything listens to it or not. */
export class Wire {
  readonly packets: Packet[] = [];

  constructor(manager: { on(event: 'packet', fn: (p: Packet) => void): unknown }) {
    manager.on('packet', (p) => this.packets.push(p));
  }

  mark(): number {
    return this.packets.length;
  }

  /** The first CONNECT or CONNECT_ERROR after `from`: how the reconnect was answered. */
  answer(from: number): Packet | undefined {
    return this.packets.slice(from).find((p) => p.type === CONNECT || p.type === CONNECT_ERROR);
  }

  /** Event names written after `from` and before the reconnect's answer: the replay. */
  replayed(from: number): string[] {
    const after = this.packets.slice(from);
    const answered = after.findIndex((p) => p.type === CONNECT || p.type === CONNECT_ERROR);
    return after
      .slice(0, answered === -1 ? undefined : answered)
      .filter(isEvent)
      .map(eventName);
  }

  /** Event names received after `from`, replayed or live. */
  events(from: number): string[] {
    return this.packets.slice(from).filter(isEvent).map(eventName);
  }

  /** The session a recovery asks for: the last CONNECT's socket and session ids, and the last offset seen. */
  session(): { sid: string; pid: string; offset: string | undefined } {
    const connect = this.packets.findLast((p) => p.type === CONNECT);
    if (!connect) throw new Error('no CONNECT packet recorded yet');
    const offset = this.packets
      .filter(isEvent)
      .map((p) => (p.data as unknown[]).at(-1))
      .findLast((last): last is string => typeof last === 'string');
    const { sid, pid } = connect.data as { sid: string; pid: string };
    return { sid, pid, offset };
  }
}
