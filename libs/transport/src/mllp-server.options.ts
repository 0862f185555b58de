/** Where a frame came from; PHI-free, safe to log. */
export interface MllpFrameMeta {
  remoteAddress: string;
  /** Per-server sequence number of the TCP connection. */
  connectionId: number;
}

/** Where log lines go; the server logs sizes and counts, never message content. */
export interface MllpLogger {
  log(msg: string): void;
  warn(msg: string): void;
  error(msg: string): void;
}

/** Configuration of an {@link MllpServer}. */
export interface MllpServerOptions {
  /** Interface to bind; only this one, never all interfaces by default. Empty means 127.0.0.1. */
  host: string;
  /** TCP port; 0 picks a free one (see `listen()`'s result). */
  port: number;
  /** Largest frame handed to `onMessage`; larger ones go to `onOversize`, never fully buffered. */
  maxFrameBytes: number;
  /**
   * Called once per complete frame; resolves to the ACK to send back. Responses on one
   * connection are written in the order the frames arrived, even when handlers finish
   * out of order (clients may pipeline). A rejection is answered with an AR ACK (table
   * 0357 code 207) built from whatever header the payload has.
   */
  onMessage(payload: Buffer, meta: MllpFrameMeta): Promise<string | Buffer>;
  /** Called for a frame over maxFrameBytes (head = first 64 KiB); resolves to the ACK to send. */
  onOversize(head: Buffer, totalBytes: number, meta: MllpFrameMeta): Promise<string | Buffer>;
  logger?: MllpLogger;
  /** Close a connection idle this long with nothing in flight or unsent. Default: never. */
  idleTimeoutMillis?: number;
  /** Refuse connections beyond this many open at once. Default: unlimited. */
  maxConnections?: number;
  /**
   * Stop reading from a connection while this many of its frames await their ACK
   * (backpressure on pipelining clients). Default 1000.
   */
  maxPipelinedFrames?: number;
  /**
   * How long close() waits for in-flight handlers and last ACKs before cutting the
   * connections anyway (a handler that never settles must not block shutdown). Default 30 s.
   */
  closeTimeoutMillis?: number;
}
