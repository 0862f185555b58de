import { connect, type Socket } from 'node:net';

const START = 0x0b;
const END = 0x1c;
const CR = 0x0d;

interface Pending {
  resolve(ack: string): void;
  reject(error: Error): void;
}

/**
 * A deliberately independent MLLP client for end-to-end tests: it frames bytes itself, so
 * tests can send what a real client would never send (empty frames, unframed garbage,
 * broken frames) and do not depend on the engine's own transport code to judge it.
 * ACKs are matched to requests in order (MLLP answers in order on one connection).
 */
export class MllpTestClient {
  private readonly pending: Pending[] = [];
  private buffer: Buffer = Buffer.alloc(0);
  private closedError: Error | undefined;

  private constructor(private readonly socket: Socket, private readonly timeoutMillis: number) {
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('error', (error) => this.failAll(error));
    socket.on('close', () => this.failAll(new Error('connection closed by the engine')));
  }

  static async connect(host: string, port: number, options: { timeoutMillis?: number } = {}): Promise<MllpTestClient> {
    const socket = await new Promise<Socket>((resolve, reject) => {
      const s = connect({ host, port }, () => resolve(s));
      s.once('error', reject);
    });
    socket.setNoDelay(true);
    return new MllpTestClient(socket, options.timeoutMillis ?? 30_000);
  }

  /** Frames `payload` (0x0B payload 0x1C 0x0D) and resolves with the ACK text. */
  send(payload: string | Buffer): Promise<string> {
    const body = typeof payload === 'string' ? Buffer.from(payload, 'utf8') : payload;
    return this.sendBytes(Buffer.concat([Buffer.from([START]), body, Buffer.from([END, CR])]), true);
  }

  /** Writes raw bytes; when `expectAck`, resolves with the next ACK on this connection. */
  sendBytes(bytes: Buffer, expectAck: true): Promise<string>;
  sendBytes(bytes: Buffer, expectAck: false): Promise<void>;
  sendBytes(bytes: Buffer, expectAck: boolean): Promise<string | void> {
    if (this.closedError) return Promise.reject(this.closedError);
    if (!expectAck) {
      return new Promise<void>((resolve, reject) => this.socket.write(bytes, (e) => (e ? reject(e) : resolve())));
    }
    return new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no ACK within ${this.timeoutMillis} ms`)), this.timeoutMillis);
      timer.unref();
      this.pending.push({
        resolve: (ack) => {
          clearTimeout(timer);
          resolve(ack);
        },
        reject: (error) => {
          clearTimeout(timer);
          reject(error);
        },
      });
      this.socket.write(bytes);
    });
  }

  /** Writes bytes in several chunks with pauses, to split frames across TCP packets. */
  async sendInPieces(payload: string, pieces: number, pauseMillis = 5): Promise<string> {
    const framed = Buffer.concat([Buffer.from([START]), Buffer.from(payload, 'utf8'), Buffer.from([END, CR])]);
    const ack = this.sendBytes(Buffer.alloc(0), true);
    const size = Math.ceil(framed.length / pieces);
    for (let offset = 0; offset < framed.length; offset += size) {
      await new Promise<void>((resolve) => this.socket.write(framed.subarray(offset, offset + size), () => resolve()));
      await new Promise((resolve) => setTimeout(resolve, pauseMillis));
    }
    return ack;
  }

  get outstanding(): number {
    return this.pending.length;
  }

  async close(): Promise<void> {
    if (this.socket.destroyed) return;
    await new Promise<void>((resolve) => {
      this.socket.once('close', () => resolve());
      this.socket.end();
      setTimeout(() => this.socket.destroy(), 2_000).unref();
    });
  }

  private onData(chunk: Buffer): void {
    this.buffer = this.buffer.length === 0 ? chunk : Buffer.concat([this.buffer, chunk]);
    for (;;) {
      const start = this.buffer.indexOf(START);
      if (start < 0) {
        this.buffer = Buffer.alloc(0);
        return;
      }
      const end = this.buffer.indexOf(END, start + 1);
      if (end < 0 || end + 1 >= this.buffer.length) return;
      const ack = this.buffer.subarray(start + 1, end).toString('utf8');
      // Skip the trailing CR of the end block when present.
      this.buffer = this.buffer.subarray(this.buffer[end + 1] === CR ? end + 2 : end + 1);
      const next = this.pending.shift();
      if (next) next.resolve(ack);
    }
  }

  private failAll(error: Error): void {
    this.closedError ??= error;
    for (const p of this.pending.splice(0)) p.reject(error);
  }
}

/** Sends `messages` over one connection keeping up to `window` unanswered at a time. */
export async function sendPipelined(
  client: MllpTestClient,
  messages: readonly string[],
  window: number,
  onAck?: (index: number, ack: string, latencyMillis: number) => void,
): Promise<string[]> {
  const acks: string[] = new Array<string>(messages.length);
  let next = 0;
  const lanes: Promise<void>[] = [];
  // Each lane sends its next message when its previous ACK arrives; lanes share one socket.
  for (let lane = 0; lane < Math.min(window, messages.length); lane++) {
    lanes.push(
      (async () => {
        while (next < messages.length) {
          const index = next++;
          const started = performance.now();
          const ack = await client.send(messages[index]!);
          acks[index] = ack;
          onAck?.(index, ack, performance.now() - started);
        }
      })(),
    );
  }
  await Promise.all(lanes);
  return acks;
}
