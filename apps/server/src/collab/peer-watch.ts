/**
 * Whether another node shares the cluster's channel, so that a node alone
 * (one node in the cluster shape) publishes no presence that nobody reads.
 * The nodes are counted every `everyMs`; a message heard from another node
 * counts as a peer at once, and wins over a count that was already on its
 * way, so a node that starts is known from its first message on. While in
 * doubt (before the first count, or when counting fails) there are peers.
 * When a node that was alone learns of a peer, `onPeers` runs: what it kept to
 * itself meanwhile (its clients' presence) is shared then, not only at their
 * next change.
 */
export class PeerWatch {
  private alone = false;
  /** Bumped by every message from another node. */
  private heardSerial = 0;
  private timer: NodeJS.Timeout | undefined;
  private counting = false;

  constructor(
    /** How many nodes, this one included, listen on the channel now. */
    private readonly countNodes: () => Promise<number>,
    private readonly everyMs: number,
    /** Called when this node was alone and is no longer. */
    private readonly onPeers: () => void = () => {},
  ) {}

  get hasPeers(): boolean {
    return !this.alone;
  }

  start(): void {
    this.timer = setInterval(() => void this.recount(), this.everyMs);
    this.timer.unref();
    void this.recount();
  }

  /** Another node just spoke. */
  heard(): void {
    this.heardSerial++;
    this.setAlone(false);
  }

  async recount(): Promise<void> {
    // A count waits for Redis while it is away; one at a time is enough.
    if (this.counting) return;
    this.counting = true;
    const serial = this.heardSerial;
    try {
      const nodes = await this.countNodes().catch(() => Infinity);
      if (this.heardSerial === serial) this.setAlone(nodes <= 1);
    } finally {
      this.counting = false;
    }
  }

  private setAlone(alone: boolean): void {
    const joined = this.alone && !alone;
    this.alone = alone;
    if (joined) this.onPeers();
  }

  stop(): void {
    clearInterval(this.timer);
  }
}
