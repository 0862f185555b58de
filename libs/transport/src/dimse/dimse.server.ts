import { createServer, type Server, type Socket } from 'node:net';
import dimse from 'dcmjs-dimse';
import type { DimseLogger, DimseServerOptions } from './dimse-server.options.js';
import { PduFramer } from './pdu.framer.js';
import { StorageScp } from './storage.scp.js';
import { listenOn } from '../tcp-listen.js';

const SILENT: DimseLogger = { log: () => {}, warn: () => {}, error: () => {} };

/** dcmjs-dimse's own limit on what it announces and sends. */
const LIBRARY_MAX_PDU = 262_144;
/** Largest PDU of any kind we let dcmjs-dimse buffer (an A-ASSOCIATE-RQ may exceed the P-DATA limit). */
const MIN_PDU_GUARD = 1024 * 1024;
/** How long an ended socket may linger half-open before it is cut. */
const END_GRACE_MILLIS = 2_000;

interface Connection {
  id: number;
  socket: Socket;
  scp: StorageScp;
  work: Set<Promise<unknown>>;
  closed: Promise<void>;
}

/**
 * A DICOM Storage SCP (C-ECHO, C-STORE) on dcmjs-dimse, bound only to the configured host.
 * dcmjs-dimse's own `Server.listen(port)` binds every interface, so this does what it does per
 * connection (one {@link StorageScp} per socket) on a `net.Server` of its own, and adds what it
 * lacks: a cap on declared PDU lengths, bounded buffering of data sets for a slow consumer,
 * connection limits, and a close() that lets C-STOREs in flight finish.
 */
export class DimseServer {
  private readonly server: Server;
  private readonly logger: DimseLogger;
  private readonly connections = new Map<Socket, Connection>();
  private nextConnectionId = 1;
  private closing: Promise<void> | undefined;
  private readonly maxPduBytes: number;

  constructor(private readonly options: DimseServerOptions) {
    this.logger = options.logger ?? SILENT;
    this.maxPduBytes = Math.min(options.maxPduBytes ?? LIBRARY_MAX_PDU, LIBRARY_MAX_PDU);
    // The library logs every PDU at trace level by default (command sets name SOP instances);
    // our own logger says what matters.
    dimse.log.setLevel('error');
    this.server = createServer({ noDelay: true }, (socket) => this.accept(socket));
    if (options.maxConnections !== undefined) this.server.maxConnections = options.maxConnections;
    this.server.on('drop', () => this.logger.warn(`DIMSE connection refused: ${this.options.maxConnections} already open`));
    this.server.on('error', (error: NodeJS.ErrnoException) => this.logger.error(`DIMSE listener error: ${error.code ?? error.name}`));
  }

  /** Open connections. */
  get connectionCount(): number {
    return this.connections.size;
  }

  /** Data set bytes received but not yet read by `onStore`, over all associations (bounded by backpressure). */
  get bufferedBodyBytes(): number {
    let total = 0;
    for (const connection of this.connections.values()) total += connection.scp.bufferedBodyBytes;
    return total;
  }

  /** Starts listening; resolves with the bound address (the real port when 0 was asked). */
  async listen(): Promise<{ host: string; port: number }> {
    const host = this.options.host || '127.0.0.1';
    const bound = await listenOn(this.server, host, this.options.port);
    this.logger.log(`DIMSE listening on ${bound.host}:${bound.port} as ${this.options.aeTitle}`);
    return bound;
  }

  /** Stops accepting; idle associations are aborted at once, busy ones after their C-STOREs answer. */
  close(): Promise<void> {
    this.closing ??= this.shutdown();
    return this.closing;
  }

  private async shutdown(): Promise<void> {
    const listenerClosed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    const deadline = Date.now() + (this.options.closeTimeoutMillis ?? 30_000);
    for (;;) {
      for (const connection of this.connections.values()) {
        if (connection.work.size === 0 && connection.scp.storesInFlight === 0) this.abort(connection);
      }
      if (this.connections.size === 0 || Date.now() >= deadline) break;
      await Promise.race([Promise.allSettled([...this.connections.values()].flatMap((c) => [...c.work, c.closed])), sleep(50)]);
    }
    if (this.connections.size > 0) {
      this.logger.warn(`DIMSE close timed out: aborting ${this.connections.size} associations`);
      for (const connection of this.connections.values()) this.abort(connection);
    }
    await Promise.all([...this.connections.values()].map((c) => c.closed));
    await listenerClosed;
    this.logger.log('DIMSE listener closed');
  }

  private abort(connection: Connection): void {
    if (connection.socket.destroyed || connection.socket.writableEnded) return;
    try {
      connection.scp.sendAbort(dimse.constants.AbortSource.ServiceProvider, dimse.constants.AbortReason.NotSpecified);
    } catch {
      // No association yet: nothing to abort, the socket is ended below.
    }
    this.end(connection.socket);
  }

  /**
   * Puts a {@link PduFramer} between the socket and dcmjs-dimse: the library's own 'data'
   * listener (added by its constructor) gets whole PDUs instead of socket reads, so it never
   * re-concatenates a partial PDU per read, and an oversized PDU is refused before any of it
   * is buffered.
   */
  private frame(id: number, socket: Socket): void {
    const listeners = socket.listeners('data') as ((chunk: Buffer) => void)[];
    const library = listeners[0];
    if (listeners.length !== 1 || library === undefined) {
      // A dcmjs-dimse other than the one this was written for: refuse rather than run unguarded.
      this.logger.error(`DIMSE ${id}: the library registered ${listeners.length} socket data listeners, expected 1; connection cut`);
      socket.destroy();
      return;
    }
    socket.off('data', library);
    const framer = new PduFramer(Math.max(MIN_PDU_GUARD, this.maxPduBytes));
    socket.on('data', (chunk: Buffer) => {
      const declared = framer.push(chunk, library);
      if (declared !== undefined && !socket.destroyed) {
        this.logger.warn(`DIMSE ${id}: PDU of ${declared} bytes refused, connection cut`);
        socket.destroy();
      }
    });
  }

  private end(socket: Socket): void {
    socket.end();
    setTimeout(() => socket.destroy(), END_GRACE_MILLIS).unref();
  }

  private accept(socket: Socket): void {
    const id = this.nextConnectionId++;
    if (this.closing !== undefined) {
      socket.destroy();
      return;
    }
    const work = new Set<Promise<unknown>>();
    const scp = new StorageScp(
      socket,
      {
        associationTimeout: this.options.associationTimeoutMillis ?? 60_000,
        pduTimeout: this.options.pduTimeoutMillis ?? 60_000,
        connectTimeout: this.options.socketTimeoutMillis ?? 180_000,
      },
      {
        connectionId: id,
        socket,
        aeTitle: this.options.aeTitle,
        callingAeTitles: this.options.callingAeTitles,
        transferSyntaxUids: this.options.transferSyntaxUids,
        storageSopClassUids: this.options.storageSopClassUids,
        maxPduBytes: this.maxPduBytes,
        bodyHighWaterMark: this.options.bodyHighWaterMark ?? 4 * 1024 * 1024,
        onStore: this.options.onStore,
        logger: this.logger,
        track: (promise) => {
          work.add(promise);
          void promise.finally(() => work.delete(promise));
        },
      },
    );
    this.frame(id, socket);
    // What dcmjs-dimse's Server does after construction: `connected` arms the library's
    // association and PDU timeouts; `connectedTime` (set only on a client's 'connect') makes
    // the association timeout apply to server sockets too.
    Object.assign(scp, { connected: true, connectedTime: Date.now() });
    // Timeouts, unknown PDU types and socket errors all arrive here; the library has already
    // sent an A-ABORT where one is due.
    scp.on('networkError', (error: Error) => {
      this.logger.warn(`DIMSE ${id}: ${describeNetworkError(error)}`);
      scp.ended('network error');
      this.end(socket);
    });
    const closed = new Promise<void>((resolve) =>
      socket.on('close', () => {
        this.connections.delete(socket);
        this.logger.log(`DIMSE connection ${id} closed (${this.connections.size} open)`);
        resolve();
      }),
    );
    this.connections.set(socket, { id, socket, scp, work, closed });
    this.logger.log(`DIMSE connection ${id} opened (${this.connections.size} open)`);
  }
}

/** The library's error messages name the calling AE and the failure, never data set content. */
function describeNetworkError(error: Error): string {
  return error.message.length > 200 ? `${error.message.slice(0, 200)}...` : error.message;
}

function sleep(millis: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, millis));
}
