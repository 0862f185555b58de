/**
 * An append-only byte buffer that doubles its capacity: gathering a stream delivered in 1-byte
 * chunks stays linear, and memory follows the bytes received.
 */
export class ByteQueue {
  private buffer = new Uint8Array(0);
  private size = 0;

  get length(): number {
    return this.size;
  }

  /** Appends a copy of the bytes and returns a view of everything held. */
  append(bytes: Uint8Array): Uint8Array {
    const needed = this.size + bytes.length;
    if (needed > this.buffer.length) {
      const grown = new Uint8Array(Math.max(needed, 256, this.buffer.length * 2));
      grown.set(this.buffer.subarray(0, this.size));
      this.buffer = grown;
    }
    this.buffer.set(bytes, this.size);
    this.size = needed;
    return this.view();
  }

  view(): Uint8Array {
    return this.buffer.subarray(0, this.size);
  }

  clear(): void {
    this.buffer = new Uint8Array(0);
    this.size = 0;
  }
}
