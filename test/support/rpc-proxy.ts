import { createConnection, createServer, type Server, type Socket } from 'node:net';
import { freePort } from './free-port.js';

/** A TCP proxy on loopback in front of a service, which tests can take down and bring back. */
export interface TcpProxy {
  /** http://127.0.0.1:<port>: what the code under test connects to. */
  readonly url: string;
  readonly port: number;
  /**
   * Closes the listener and destroys every open connection: new connections are refused
   * (ECONNREFUSED) and keep-alive ones break, while the service behind keeps its state.
   */
  stop(): Promise<void>;
  /**
   * Keeps accepting connections but forwards nothing and answers nothing: what a hung or
   * partitioned node looks like (clients see timeouts, not refusals). start() ends it.
   */
  hang(): Promise<void>;
  /** Listens again on the same port and forwards to the target (no-op when it already does). */
  start(): Promise<void>;
  /** Connections accepted so far (forwarded or held). */
  readonly connections: number;
}

/** Starts a proxy from a free loopback port to 127.0.0.1:`targetPort`. */
export async function startTcpProxy(targetPort: number): Promise<TcpProxy> {
  const port = await freePort();
  const sockets = new Set<Socket>();
  let server: Server | undefined;
  let forwarding = false;
  let connections = 0;

  const track = (socket: Socket): void => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  };

  const listen = (forward: boolean): Promise<void> =>
    new Promise<void>((resolve, reject) => {
      const next = createServer((client) => {
        connections++;
        track(client);
        client.on('error', () => client.destroy());
        if (!forward) return; // held open, never answered
        const upstream = createConnection({ host: '127.0.0.1', port: targetPort });
        track(upstream);
        upstream.on('error', () => client.destroy());
        client.on('close', () => upstream.destroy());
        upstream.on('close', () => client.destroy());
        client.pipe(upstream).pipe(client);
      });
      next.once('error', reject);
      next.listen({ host: '127.0.0.1', port }, () => {
        server = next;
        forwarding = forward;
        resolve();
      });
    });

  const close = async (): Promise<void> => {
    const current = server;
    server = undefined;
    forwarding = false;
    for (const socket of sockets) socket.destroy();
    sockets.clear();
    if (current) await new Promise<void>((resolve) => current.close(() => resolve()));
  };

  await listen(true);
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    get connections() {
      return connections;
    },
    stop: close,
    async hang() {
      await close();
      await listen(false);
    },
    async start() {
      // Already forwarding: keep the open connections (a no-op, not a restart).
      if (forwarding) return;
      await close();
      await listen(true);
    },
  };
}
