import { ContractFactory, Wallet } from 'ethers';
import { HIE_LEDGER_CONTRACT, hieLedgerInterface } from './hie-ledger.artifact.js';
import { connectRpc } from './evm.rpc.js';
import { toLedgerError } from './evm-error.mapper.js';

/** RPC endpoint and the 0x-prefixed private key of the account that signs. */
export interface EvmSignerOptions {
  rpcUrl: string;
  privateKey: string;
  /** Per request and per receipt wait (default 10 s). */
  timeoutMillis?: number;
}

/**
 * Deploys a new HieLedger; the deploying account becomes its owner and first writer.
 * Resolves to the contract address (0x, checksummed) once the deployment is mined.
 */
export async function deployLedgerContract(options: EvmSignerOptions): Promise<string> {
  const rpc = await connectRpc(options.rpcUrl, options);
  try {
    const factory = new ContractFactory([...HIE_LEDGER_CONTRACT.abi], HIE_LEDGER_CONTRACT.bytecode, new Wallet(options.privateKey, rpc.provider));
    const contract = await factory.deploy();
    await contract.waitForDeployment();
    return await contract.getAddress();
  } catch (error) {
    throw toLedgerError(error, 'deploy');
  } finally {
    rpc.close();
  }
}

/**
 * Lets `writer` (an address) anchor and record on the contract, or stops it (`allowed` false).
 * Signed by the owner's key: several engines, each with its own key, can write to one contract.
 */
export async function setLedgerWriter(
  options: EvmSignerOptions & { contractAddress: string; writer: string; allowed: boolean },
): Promise<void> {
  const rpc = await connectRpc(options.rpcUrl, options);
  try {
    const tx = await new Wallet(options.privateKey, rpc.provider).sendTransaction({
      to: options.contractAddress,
      data: hieLedgerInterface.encodeFunctionData('setWriter', [options.writer, options.allowed]),
    });
    await tx.wait(1, options.timeoutMillis ?? 10_000);
  } catch (error) {
    throw toLedgerError(error, 'setWriter');
  } finally {
    rpc.close();
  }
}
