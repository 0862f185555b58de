import { createServer, connect, type Server, type Socket } from 'node:net';

/**
 * The DIMSE SCU of the tests and benchmarks is the product's own (libs/transport's dimse.client,
 * which `hie dicom send` uses): data sets go out byte for byte, exact presentation contexts, Nagle off.
 */
export {
  associate,
  echoRequest,
  rawStoreRequest,
  splitPart10,
  type AssociateOptions,
  type Part10Parts,
  type ScuOutcome,
  type ScuResponse,
} from '@hie/transport';

/**
 * A TCP relay to `port` that cuts both sides once `cutAfter` bytes went from client to server:
 * an SCU vanishing mid-transfer, whatever library it is.
 */
export async function cuttingRelay(port: number, cutAfter: number): Promise<{ port: number; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((inbound) => {
    const outbound = connect(port, '127.0.0.1');
    sockets.add(inbound).add(outbound);
    let forwarded = 0;
    const cut = (): void => {
      inbound.destroy();
      outbound.destroy();
    };
    inbound.on('data', (chunk: Buffer) => {
      const room = cutAfter - forwarded;
      forwarded += chunk.length;
      if (room <= chunk.length) {
        outbound.write(chunk.subarray(0, Math.max(0, room)), cut);
      } else {
        outbound.write(chunk);
      }
    });
    outbound.on('data', (chunk: Buffer) => inbound.write(chunk));
    inbound.on('error', cut);
    outbound.on('error', cut);
    inbound.on('close', () => outbound.destroy());
    outbound.on('close', () => inbound.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (typeof address !== 'object' || address === null) throw new Error('relay has no port');
  return {
    port: address.port,
    close: () =>
      new Promise((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
