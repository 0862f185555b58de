import { FetchRequest, JsonRpcProvider, Network } from 'ethers';
import { toLedgerError } from './evm-error.mapper.js';
import { createRpcTransport } from './evm.http.js';

export interface RpcOptions {
  /** Per request (default 10 s). */
  timeoutMillis?: number;
  /** ethers' block polling interval (default 50 ms). */
  pollingIntervalMillis?: number;
}

/** A provider and the release of everything it holds (provider, sockets). */
export interface RpcConnection {
  provider: JsonRpcProvider;
  chainId: bigint;
  close(): void;
}

/**
 * A JsonRpcProvider tuned for anchoring on a private chain: the chain id read once and then
 * fixed (ethers otherwise re-detects the network, and retries forever in the background when
 * the node is down), no request batching (its 10 ms stall is most of a local send's time),
 * no 250 ms response cache (a read right after a write must see the write), short polling,
 * and a transport that survives node restarts (evm.http.ts).
 * Rejects with LedgerUnavailableError when the node cannot be reached.
 */
export async function connectRpc(rpcUrl: string, options: RpcOptions = {}): Promise<RpcConnection> {
  const transport = createRpcTransport();
  const request = new FetchRequest(rpcUrl);
  request.timeout = options.timeoutMillis ?? 10_000;
  request.getUrlFunc = transport.getUrl;
  let chainId: bigint;
  try {
    const probe = request.clone();
    probe.body = { jsonrpc: '2.0', id: 1, method: 'eth_chainId', params: [] };
    const response = await probe.send();
    response.assertOk();
    const body = response.bodyJson as { result?: unknown };
    if (typeof body.result !== 'string') throw new Error('eth_chainId answered without a result');
    chainId = BigInt(body.result);
  } catch (error) {
    transport.destroy();
    throw toLedgerError(error, 'eth_chainId');
  }
  const provider = new JsonRpcProvider(request, undefined, {
    staticNetwork: Network.from(chainId),
    batchMaxCount: 1,
    cacheTimeout: -1,
    pollingInterval: options.pollingIntervalMillis ?? 50,
  });
  return {
    provider,
    chainId,
    close() {
      provider.destroy();
      transport.destroy();
    },
  };
}
