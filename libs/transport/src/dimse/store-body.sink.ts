import { Writable } from 'node:stream';

/** Options of a {@link StoreBodySink}. */
export interface StoreBodySinkOptions {
  /** Bytes queued for the reader at which `onPressure(true)` is called (the socket should pause). */
  highWaterMark: number;
  /** Bytes queued at which `onPressure(false)` is called again. */
  lowWaterMark: number;
  /** Called on each crossing of the marks; never twice in a row with the same value. */
  onPressure(paused: boolean): void;
}

/**
 * The Writable dcmjs-dimse writes a C-STORE data set into, PDV value by PDV value, turned into
 * an async iterable (`body()`) the intake reads while the data set is still arriving.
 *
 * Backpressure is ours, not the library's: dcmjs-dimse awaits one 'drain' promise made when
 * the stream is created, and only for a write in the first P-DATA-TF, so a `false` from
 * `write()` does not slow it down later (and awaiting it mid-PDU could let the next PDU's PDVs
 * overtake the rest of this one). So `write()` always returns true (the Writable's own buffer is
 * never used: `_write` completes at once) and the sink instead reports when its queue crosses
 * the high and low water marks; the SCP pauses and resumes the socket, which TCP turns into
 * flow control at the sender. Memory per transfer is bounded by the high water mark plus what
 * is already in flight (one socket read, one PDU).
 *
 * The Writable never errors (an error event nobody listens to would crash the process): an
 * abort is `fail()`, which the reader sees as a thrown error after the bytes that did arrive.
 */
export class StoreBodySink extends Writable {
  private readonly chunks: Buffer[] = [];
  private queuedBytes = 0;
  private receivedBytes = 0;
  private finished = false;
  private failure: Error | undefined;
  private discarding = false;
  private paused = false;
  private wake: (() => void) | undefined;
  private iterating = false;

  constructor(private readonly options: StoreBodySinkOptions) {
    // A mark no write can reach: the library's `write()` must always see true (see above).
    super({ highWaterMark: Number.MAX_SAFE_INTEGER, decodeStrings: true });
  }

  /** Bytes written so far (the data set length once complete). */
  get bytesReceived(): number {
    return this.receivedBytes;
  }

  /** Bytes waiting for the reader. */
  get bytesQueued(): number {
    return this.queuedBytes;
  }

  /** True once `end()` was called: every byte of the data set has arrived. */
  get complete(): boolean {
    return this.finished;
  }

  /**
   * The data set as it arrives. Ends when the library ends the stream (last fragment);
   * throws the `fail()` error if the association ends first. Iterable once.
   */
  async *body(): AsyncGenerator<Uint8Array> {
    if (this.iterating) throw new Error('StoreBodySink.body() is iterable once');
    this.iterating = true;
    try {
      for (;;) {
        const chunk = this.chunks.shift();
        if (chunk !== undefined) {
          this.queuedBytes -= chunk.length;
          if (this.paused && this.queuedBytes <= this.options.lowWaterMark) this.setPaused(false);
          yield chunk;
          continue;
        }
        if (this.finished) return;
        if (this.failure) throw this.failure;
        await new Promise<void>((resolve) => (this.wake = resolve));
      }
    } finally {
      // The reader stopped (done, failed, or gave up early): whatever still comes is dropped,
      // so the socket is never left paused waiting for a reader that is gone.
      this.discard();
    }
  }

  /** Ends the body with `error` (association aborted or closed mid-transfer). No-op once complete. */
  fail(error: Error): void {
    if (this.finished || this.failure) return;
    this.failure = error;
    this.signal();
  }

  /** Drops queued and future bytes and lifts any pause. */
  discard(): void {
    this.discarding = true;
    this.chunks.length = 0;
    this.queuedBytes = 0;
    if (this.paused) this.setPaused(false);
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    this.receivedBytes += chunk.length;
    if (!this.discarding && !this.failure) {
      this.chunks.push(chunk);
      this.queuedBytes += chunk.length;
      if (!this.paused && this.queuedBytes >= this.options.highWaterMark) this.setPaused(true);
      this.signal();
    }
    callback();
  }

  override _final(callback: (error?: Error | null) => void): void {
    if (!this.failure) this.finished = true;
    this.signal();
    callback();
  }

  private setPaused(paused: boolean): void {
    this.paused = paused;
    this.options.onPressure(paused);
  }

  private signal(): void {
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  }
}
