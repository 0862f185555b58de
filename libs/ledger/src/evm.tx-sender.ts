import { Transaction, type JsonRpcProvider, type SigningKey } from 'ethers';
import { LedgerUnavailableError } from './ledger.errors.js';

/** A signed-and-ready transaction's parameters, read from the node before sending. */
export interface PreparedTx {
  data: string;
  nonce: number;
  gasLimit: bigint;
  fees: { type: 2; maxFeePerGas: bigint; maxPriorityFeePerGas: bigint } | { type: 0; gasPrice: bigint };
}

/** What the driver needs of a mined transaction. */
export interface MinedTx {
  hash: string;
  blockNumber: number;
  blockHash: string;
}

/** Times a send is retried after the node said its nonce was already used. */
const NONCE_RETRIES = 3;

/**
 * Sends contract calls with as few sequential round trips as a local node allows (the anchor
 * latency is mostly round trips): gas estimate, fee data and nonce are read in parallel, the
 * transaction is signed locally and sent raw, and the receipt is polled directly. ethers'
 * Wallet.sendTransaction does the same reads one after another and re-derives the sender from
 * the signature, which costs more than the node takes to mine on Hardhat.
 *
 * Nonces are counted locally (the owner serialises sends) and re-read from the node ("pending")
 * after any failure; "nonce too low" (the same key used elsewhere, a restart) is retried.
 * The gas estimate doubles as a dry run: a call the contract refuses fails in prepare() with its
 * custom error, before anything is sent or paid for.
 */
export class TxSender {
  private nextNonce: number | undefined;

  constructor(
    private readonly provider: JsonRpcProvider,
    private readonly key: SigningKey,
    private readonly from: string,
    private readonly to: string,
    private readonly chainId: bigint,
    private readonly options: { timeoutMillis: number; pollingIntervalMillis: number },
  ) {}

  async prepare(data: string): Promise<PreparedTx> {
    const [gas, feeData, nonce] = await Promise.all([
      this.provider.estimateGas({ from: this.from, to: this.to, data }),
      this.provider.getFeeData(),
      this.nextNonce ?? this.provider.getTransactionCount(this.from, 'pending'),
    ]);
    // Headroom: an estimate is exact only for the state it ran on.
    const gasLimit = gas + gas / 5n;
    const fees: PreparedTx['fees'] =
      feeData.maxFeePerGas != null && feeData.maxPriorityFeePerGas != null
        ? { type: 2, maxFeePerGas: feeData.maxFeePerGas, maxPriorityFeePerGas: feeData.maxPriorityFeePerGas }
        : { type: 0, gasPrice: feeData.gasPrice ?? 0n };
    return { data, nonce, gasLimit, fees };
  }

  /** Signs, sends and waits for the receipt; a transaction mined as reverted rejects (reason 'reverted'). */
  async submit(prepared: PreparedTx): Promise<MinedTx> {
    let tx = prepared;
    for (let attempt = 1; ; attempt++) {
      try {
        const hash = await this.sendRaw(tx);
        this.nextNonce = tx.nonce + 1;
        return await this.receipt(hash);
      } catch (error) {
        this.nextNonce = undefined;
        if (!isNonceTaken(error) || attempt >= NONCE_RETRIES) throw error;
        tx = { ...tx, nonce: await this.provider.getTransactionCount(this.from, 'pending') };
      }
    }
  }

  private async sendRaw(prepared: PreparedTx): Promise<string> {
    const tx = Transaction.from({
      to: this.to,
      data: prepared.data,
      nonce: prepared.nonce,
      gasLimit: prepared.gasLimit,
      chainId: this.chainId,
      ...prepared.fees,
    });
    tx.signature = this.key.sign(tx.unsignedHash);
    // Through the provider's send so its JSON-RPC error mapping (nonce, funds...) applies.
    return (await this.provider.send('eth_sendRawTransaction', [tx.serialized])) as string;
  }

  private async receipt(hash: string): Promise<MinedTx> {
    const deadline = Date.now() + this.options.timeoutMillis;
    for (;;) {
      const raw = (await this.provider.send('eth_getTransactionReceipt', [hash])) as RawReceipt | null;
      if (raw) {
        if (BigInt(raw.status) !== 1n) {
          // The estimate passed, so the state changed in between (a race the caller resolves by re-reading).
          throw new LedgerUnavailableError('EVM ledger: transaction reverted on chain', { reason: 'reverted' });
        }
        return { hash: raw.transactionHash, blockNumber: Number(BigInt(raw.blockNumber)), blockHash: raw.blockHash };
      }
      if (Date.now() >= deadline) {
        throw new LedgerUnavailableError('EVM ledger: transaction not mined in time', { reason: 'timeout' });
      }
      await new Promise((resolve) => setTimeout(resolve, this.options.pollingIntervalMillis));
    }
  }
}

interface RawReceipt {
  transactionHash: string;
  blockNumber: string;
  blockHash: string;
  status: string;
}

function isNonceTaken(error: unknown): boolean {
  return error instanceof Error && (error as { code?: unknown }).code === 'NONCE_EXPIRED';
}
