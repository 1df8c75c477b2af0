/** Counts one output stream of a program against its byte cap. */
export class OutputCap {
  private size = 0;
  truncated = false;

  constructor(private readonly capBytes: number) {}

  /** What of `bytes` fits under the cap; sets `truncated` once the stream went past it. */
  take(bytes: Uint8Array): Uint8Array {
    if (this.truncated) return EMPTY;
    const room = this.capBytes - this.size;
    if (bytes.length <= room) {
      this.size += bytes.length;
      return bytes.slice();
    }
    this.size = this.capBytes;
    this.truncated = true;
    return bytes.slice(0, room);
  }
}

/** Collects the chunks of one stream and decodes them once (a character cut by the cap becomes U+FFFD). */
export class OutputText {
  private readonly chunks: Uint8Array[] = [];

  push(bytes: Uint8Array): void {
    if (bytes.length > 0) this.chunks.push(bytes);
  }

  text(): string {
    const size = this.chunks.reduce((sum, chunk) => sum + chunk.length, 0);
    const all = new Uint8Array(size);
    let offset = 0;
    for (const chunk of this.chunks) {
      all.set(chunk, offset);
      offset += chunk.length;
    }
    return new TextDecoder().decode(all);
  }
}

const EMPTY = new Uint8Array(0);
