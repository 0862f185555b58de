import { connect, type Socket } from 'node:net';
import { decodeHl7Text, encodeHl7Text, encodeMllp, MllpDecoder } from '@hie/hl7v2';
import { MllpError } from './mllp.error.js';

/** Options for {@link MllpClient.connect}. */
export interface MllpClientOptions {
  /** Limit for connecting and for each ACK to arrive. Default 10 s. */
  timeoutMillis?: number;
  /** Largest ACK accepted. Default 16 MiB. */
  maxAckBytes?: number;
}

interface Pending {
  resolve(ack: string): void;
  reject(error: Error): void;
  timer: NodeJS.Timeout;
}

/**
 * An MLLP sender. Several sends may be in flight on one connection (pipelining); ACKs come
 * back in order, so each resolves the oldest pending send. When an ACK is late, the order
 * can no longer be trusted: every pending send fails and the connection is closed.
 */
export class MllpClient {
  private readonly pending: Pending[] = [];
  private readonly decoder: MllpDecoder;
  private closed = false;
  private readonly closedPromise: Promise<void>;

  private constructor(
    private readonly socket: Socket,
    private readonly timeoutMillis: number,
    maxAckBytes: number,
  ) {
    this.decoder = new MllpDecoder({ maxFrameBytes: maxAckBytes });
    this.closedPromise = new Promise((resolve) => socket.once('close', () => resolve()));
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('error', () => {}); // surfaced through 'close' as MLLP_CLOSED on pending sends
    socket.on('close', () => {
      this.closed = true;
      this.failAll(new MllpError('MLLP_CLOSED', 'MLLP connection closed before the ACK arrived'));
    });
  }

  /** Opens a connection; rejects with MLLP_CONNECT_FAILED or MLLP_TIMEOUT. */
  static connect(host: string, port: number, options: MllpClientOptions = {}): Promise<MllpClient> {
    const timeoutMillis = options.timeoutMillis ?? 10_000;
    return new Promise((resolve, reject) => {
      const socket = connect({ host, port, noDelay: true });
      const timer = setTimeout(() => {
        socket.destroy();
        reject(new MllpError('MLLP_TIMEOUT', `MLLP connect timed out after ${timeoutMillis} ms`, { host, port }));
      }, timeoutMillis);
      socket.once('error', (error: NodeJS.ErrnoException) => {
        clearTimeout(timer);
        reject(new MllpError('MLLP_CONNECT_FAILED', `MLLP connect failed: ${error.code ?? error.name}`, { host, port }));
      });
      socket.once('connect', () => {
        clearTimeout(timer);
        socket.removeAllListeners('error');
        resolve(new MllpClient(socket, timeoutMillis, options.maxAckBytes ?? 16 * 1024 * 1024));
      });
    });
  }

  /** Sends one message; resolves with the ACK text. Strings are encoded per their MSH-18. */
  send(message: string | Buffer): Promise<string> {
    if (this.closed) return Promise.reject(new MllpError('MLLP_CLOSED', 'MLLP connection is closed'));
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => this.timeOut(), this.timeoutMillis);
      this.pending.push({ resolve, reject, timer });
      this.socket.write(encodeMllp(typeof message === 'string' ? encodeHl7Text(message) : message));
    });
  }

  /** Writes bytes as they are, unframed and unanswered (for tests of hostile input). */
  sendRaw(bytes: Buffer): void {
    if (!this.closed) this.socket.write(bytes);
  }

  /** Closes the connection; pending sends fail with MLLP_CLOSED. */
  async close(): Promise<void> {
    if (!this.socket.destroyed) this.socket.end();
    const forced = setTimeout(() => this.socket.destroy(), this.timeoutMillis);
    await this.closedPromise;
    clearTimeout(forced);
  }

  private onData(chunk: Buffer): void {
    for (const event of this.decoder.push(chunk)) {
      if (event.kind === 'garbage') continue;
      const next = this.pending.shift();
      if (next === undefined) continue; // an unsolicited frame: nothing waits for it
      clearTimeout(next.timer);
      if (event.kind === 'frame') next.resolve(decodeHl7Text(event.payload));
      else next.reject(new MllpError('MLLP_ACK_TOO_LARGE', `ACK of ${event.totalBytes} bytes over the limit`));
    }
  }

  private timeOut(): void {
    this.failAll(new MllpError('MLLP_TIMEOUT', `No ACK within ${this.timeoutMillis} ms`));
    this.socket.destroy();
  }

  private failAll(error: MllpError): void {
    for (const p of this.pending.splice(0)) {
      clearTimeout(p.timer);
      p.reject(error);
    }
  }
}
