/**
 * Pulls a body's chunks one at a time (so whoever consumes them sets the pace: backpressure
 * reaches the socket), and turns a failing source (a connection dropped mid-transfer) into an
 * end of stream with `failed` set, so whatever arrived can still be kept.
 */
export class DicomBodyReader {
  private readonly iterator: AsyncIterator<Uint8Array>;
  private done = false;
  /** The source threw: the body ended early. */
  failed = false;
  /** Bytes read so far. */
  bytesRead = 0;

  constructor(body: AsyncIterable<Uint8Array>) {
    this.iterator = body[Symbol.asyncIterator]();
  }

  /** The next non-empty chunk, or undefined at the end (or after a source failure). */
  async next(): Promise<Uint8Array | undefined> {
    while (!this.done) {
      let step: IteratorResult<Uint8Array>;
      try {
        step = await this.iterator.next();
      } catch {
        this.failed = true;
        this.done = true;
        return undefined;
      }
      if (step.done) {
        this.done = true;
        return undefined;
      }
      if (step.value.byteLength === 0) continue;
      this.bytesRead += step.value.byteLength;
      return step.value;
    }
    return undefined;
  }

  /** Stops reading early (storage failed): lets the source release what it holds. */
  async abandon(): Promise<void> {
    if (this.done) return;
    this.done = true;
    try {
      await this.iterator.return?.();
    } catch {
      // the source is being dropped anyway
    }
  }
}
