import { createServer, type Server, type Socket } from 'node:net';
import { MllpConnection } from './mllp.connection.js';
import type { MllpLogger, MllpServerOptions } from './mllp-server.options.js';
import { listenOn } from './tcp-listen.js';

const SILENT: MllpLogger = { log: () => {}, warn: () => {}, error: () => {} };

const DEFAULT_CLOSE_TIMEOUT_MILLIS = 30_000;

/**
 * An MLLP listener: one {@link MllpConnection} per TCP connection, bound only to the
 * configured host (127.0.0.1 when empty). It answers every frame, even when the handler
 * fails, and survives garbage, empty frames, resets and slow readers.
 */
export class MllpServer {
  private readonly server: Server;
  private readonly logger: MllpLogger;
  /** Open connections, each with a promise of its socket's 'close'. */
  private readonly connections = new Map<Socket, { connection: MllpConnection; closed: Promise<void> }>();
  private readonly work = new Set<Promise<void>>();
  private nextConnectionId = 1;
  private closing: Promise<void> | undefined;

  constructor(private readonly options: MllpServerOptions) {
    this.logger = options.logger ?? SILENT;
    this.server = createServer({ allowHalfOpen: true, noDelay: true }, (socket) => this.accept(socket));
    if (options.maxConnections !== undefined) this.server.maxConnections = options.maxConnections;
    this.server.on('drop', () => this.logger.warn(`MLLP connection refused: ${this.options.maxConnections} already open`));
    this.server.on('error', (error: NodeJS.ErrnoException) => this.logger.error(`MLLP listener error: ${error.code ?? error.name}`));
  }

  /** Open connections. */
  get connectionCount(): number {
    return this.connections.size;
  }

  /** Starts listening; resolves with the bound address (the real port when 0 was asked). */
  async listen(): Promise<{ host: string; port: number }> {
    const host = this.options.host || '127.0.0.1';
    const bound = await listenOn(this.server, host, this.options.port);
    this.logger.log(`MLLP listening on ${bound.host}:${bound.port}`);
    return bound;
  }

  /** Stops accepting, waits for in-flight handlers and their ACKs, then closes the sockets. */
  close(): Promise<void> {
    this.closing ??= this.shutdown();
    return this.closing;
  }

  private async shutdown(): Promise<void> {
    const listenerClosed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    for (const { connection } of this.connections.values()) connection.shutdown();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      this.logger.warn(`MLLP close timed out: ${this.work.size} handlers still running, cutting connections`);
      for (const socket of this.connections.keys()) socket.destroy();
    }, this.options.closeTimeoutMillis ?? DEFAULT_CLOSE_TIMEOUT_MILLIS);
    while (this.work.size > 0 && !timedOut) await Promise.race([Promise.allSettled([...this.work]), sleep(50)]);
    // Connections end themselves once their last ACK is written; half-open peers are cut
    // by the timer.
    await Promise.all([...this.connections.values()].map((c) => c.closed));
    await listenerClosed;
    clearTimeout(timer);
    this.logger.log('MLLP listener closed');
  }

  private accept(socket: Socket): void {
    const id = this.nextConnectionId++;
    if (this.closing !== undefined) {
      socket.destroy();
      return;
    }
    const connection = new MllpConnection(socket, id, this.options, this.logger, (work) => {
      this.work.add(work);
      void work.finally(() => this.work.delete(work));
    });
    const closed = new Promise<void>((resolve) =>
      socket.on('close', () => {
        this.connections.delete(socket);
        this.logger.log(`MLLP connection ${id} closed (${this.connections.size} open)`);
        resolve();
      }),
    );
    this.connections.set(socket, { connection, closed });
    this.logger.log(`MLLP connection ${id} opened (${this.connections.size} open)`);
  }
}

function sleep(millis: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, millis));
}
