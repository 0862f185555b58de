import { JsonRpcProvider, Network, Wallet, parseEther, toBeHex } from 'ethers';
import { startHardhatNode, type HardhatNode } from '../../../test/support/hardhat-node.js';
import { startTcpProxy, type TcpProxy } from '../../../test/support/rpc-proxy.js';
import { deployLedgerContract, setLedgerWriter } from './hie-ledger.deploy.js';
import { hieLedgerInterface } from './hie-ledger.artifact.js';

/**
 * A real Hardhat node with a TCP proxy in front (tests take the proxy down to make the chain
 * unreachable while the node keeps its state), plus a direct provider for assertions.
 */
export interface TestChain {
  node: HardhatNode;
  proxy: TcpProxy;
  /** Talks to the node directly (never through the proxy). */
  direct: JsonRpcProvider;
  /** Deploys a fresh HieLedger (owner: account #0); resolves to its address. */
  deploy(): Promise<string>;
  /** A new random account with 100 ETH, optionally authorised as a writer on `contract`. */
  fundedAccount(contract?: string): Promise<Wallet>;
  /** How many `eventName` logs with indexed id `word` the contract emitted, over the whole chain. */
  countLogs(contract: string, eventName: string, word: string): Promise<number>;
  /** All transactions mined so far (blocks: automine mines one per transaction). */
  blockNumber(): Promise<number>;
  stop(): Promise<void>;
}

export async function startTestChain(): Promise<TestChain> {
  const node = await startHardhatNode();
  const proxy = await startTcpProxy(node.port);
  const direct = new JsonRpcProvider(node.rpcUrl, undefined, { staticNetwork: Network.from(31337), batchMaxCount: 1, cacheTimeout: -1 });
  return {
    node,
    proxy,
    direct,
    deploy: () => deployLedgerContract({ rpcUrl: node.rpcUrl, privateKey: node.privateKey }),
    async fundedAccount(contract) {
      const wallet = Wallet.createRandom();
      await direct.send('hardhat_setBalance', [wallet.address, toBeHex(parseEther('100'))]);
      if (contract) {
        await setLedgerWriter({ rpcUrl: node.rpcUrl, privateKey: node.privateKey, contractAddress: contract, writer: wallet.address, allowed: true });
      }
      return new Wallet(wallet.privateKey);
    },
    async countLogs(contract, eventName, word) {
      const topic = hieLedgerInterface.getEvent(eventName)!.topicHash;
      const logs = await direct.getLogs({ address: contract, topics: [topic, word], fromBlock: 0, toBlock: 'latest' });
      return logs.length;
    },
    blockNumber: () => direct.getBlockNumber(),
    async stop() {
      direct.destroy();
      await proxy.stop();
      await node.stop();
    },
  };
}
