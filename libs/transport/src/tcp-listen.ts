import type { Server } from 'node:net';

/**
 * Binds `server` to `host:port` (port 0: a free one) and resolves with the bound address, or
 * rejects with the bind error (address in use, not allowed). Listeners bind one host only,
 * loopback unless configured: never every interface by accident.
 */
export function listenOn(server: Server, host: string, port: number): Promise<{ host: string; port: number }> {
  return new Promise((resolve, reject) => {
    const onError = (error: Error): void => reject(error);
    server.once('error', onError);
    server.listen({ host, port }, () => {
      server.off('error', onError);
      const address = server.address();
      resolve({ host, port: typeof address === 'object' && address !== null ? address.port : port });
    });
  });
}
