import type { Socket } from 'node:net';
import { buildAck, encodeHl7Text, encodeMllp, MllpDecoder, readHeaderLeniently } from '@hie/hl7v2';
import type { MllpFrameMeta, MllpLogger, MllpServerOptions } from './mllp-server.options.js';

/** One frame's place in the connection's answer order. */
interface Slot {
  ack: Buffer | undefined;
}

/**
 * One accepted MLLP connection: decodes frames, runs the handlers concurrently, and writes
 * the ACKs back strictly in frame order. Reading pauses while too many frames await an ACK
 * or while the socket's write buffer is full, so a fast sender cannot exhaust memory.
 */
export class MllpConnection {
  private readonly decoder: MllpDecoder;
  private readonly meta: MllpFrameMeta;
  private readonly queue: Slot[] = [];
  private readonly maxPipelined: number;
  private writeBlocked = false;
  private peerEnded = false;
  private draining = false;
  private frames = 0;

  constructor(
    private readonly socket: Socket,
    connectionId: number,
    private readonly options: MllpServerOptions,
    private readonly logger: MllpLogger,
    /** Registers work the server's close() must wait for. */
    private readonly track: (work: Promise<void>) => void,
  ) {
    this.decoder = new MllpDecoder({ maxFrameBytes: options.maxFrameBytes });
    this.meta = { remoteAddress: socket.remoteAddress ?? 'unknown', connectionId };
    this.maxPipelined = options.maxPipelinedFrames ?? 1000;
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('drain', () => {
      this.writeBlocked = false;
      this.updateFlow();
    });
    socket.on('error', (error: NodeJS.ErrnoException) => {
      // Resets mid-frame are routine; the partial frame is dropped, the sender will resend.
      this.logger.warn(`MLLP connection ${connectionId}: ${error.code ?? error.name}, ${this.queue.length} ACKs unsent`);
    });
    socket.on('end', () => {
      // The peer is done sending but may still wait for ACKs (half-close).
      this.peerEnded = true;
      this.endIfIdle();
    });
    if (options.idleTimeoutMillis !== undefined && options.idleTimeoutMillis > 0) {
      socket.setTimeout(options.idleTimeoutMillis, () => {
        if (this.queue.length > 0 || socket.writableLength > 0) return; // still answering: not idle
        this.logger.log(`MLLP connection ${connectionId} idle, closing after ${this.frames} frames`);
        // Nothing is owed either way, and a half-open peer would never finish an end().
        socket.destroy();
      });
    }
  }

  /** Frames whose ACK has not been written yet. */
  get inFlight(): number {
    return this.queue.length;
  }

  /** Stop reading new frames; answer those already read, then end the connection. */
  shutdown(): void {
    this.draining = true;
    this.socket.pause();
    this.endIfIdle();
  }

  private onData(chunk: Buffer): void {
    if (this.draining) return;
    for (const event of this.decoder.push(chunk)) {
      if (event.kind === 'frame') {
        this.frames++;
        const payload = event.payload;
        this.dispatch(() => this.options.onMessage(payload, this.meta), payload);
      } else if (event.kind === 'oversize') {
        this.frames++;
        const { head, totalBytes } = event;
        this.logger.warn(`MLLP connection ${this.meta.connectionId}: frame of ${totalBytes} bytes over the limit`);
        this.dispatch(() => this.options.onOversize(head, totalBytes, this.meta), head);
      } else {
        this.logger.warn(`MLLP connection ${this.meta.connectionId}: ${event.bytes} bytes outside frames ignored`);
      }
    }
  }

  private dispatch(handler: () => Promise<string | Buffer>, request: Buffer): void {
    const slot: Slot = { ack: undefined };
    this.queue.push(slot);
    const work = invoke(handler)
      .then(
        (ack) => (typeof ack === 'string' ? encodeHl7Text(ack) : ack),
        (error: unknown) => {
          this.logger.error(`MLLP connection ${this.meta.connectionId}: handler failed (${describe(error)}); answering AR`);
          return encodeHl7Text(internalErrorAck(request));
        },
      )
      .then((ack) => {
        slot.ack = ack;
        this.flush();
      })
      .catch((error: unknown) => this.logger.error(`MLLP connection ${this.meta.connectionId}: write failed (${describe(error)})`));
    this.track(work);
    this.updateFlow();
  }

  /** Writes every ACK that is next in line; later ones wait for earlier ones. */
  private flush(): void {
    while (this.queue.length > 0 && this.queue[0]!.ack !== undefined) {
      const ack = this.queue.shift()!.ack!;
      if (this.socket.destroyed) continue; // the peer left: the handler's work still counts
      if (!this.socket.write(encodeMllp(ack))) this.writeBlocked = true;
    }
    this.updateFlow();
    this.endIfIdle();
  }

  private updateFlow(): void {
    if (this.draining || this.socket.destroyed) return;
    if (this.writeBlocked || this.queue.length >= this.maxPipelined) this.socket.pause();
    else if (this.socket.isPaused()) this.socket.resume();
  }

  private endIfIdle(): void {
    if ((this.peerEnded || this.draining) && this.queue.length === 0 && !this.socket.destroyed) this.socket.end();
  }
}

async function invoke(handler: () => Promise<string | Buffer>): Promise<string | Buffer> {
  return handler(); // async, so a handler that throws synchronously also becomes a rejection
}

/** An AR with code 207 for whatever header the request has; never fails. */
function internalErrorAck(request: Buffer): string {
  const header = readHeaderLeniently(request);
  return buildAck(header, {
    code: 'AR',
    controlId: header.header.controlId ?? '',
    errors: [{ code: '207', severity: 'E', text: 'Application internal error' }],
  });
}

/** Error class and code only: messages may quote the payload. */
function describe(error: unknown): string {
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    return typeof code === 'string' ? `${error.name} ${code}` : error.name;
  }
  return typeof error;
}
