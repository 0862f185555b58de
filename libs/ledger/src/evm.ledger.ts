import { InvalidInputError } from '@hie/common';
import { getAddress, Wallet, ZeroHash, type JsonRpcProvider, type Log, type LogDescription } from 'ethers';
import { toLedgerError } from './evm-error.mapper.js';
import { CONSENT_STATUS, consentStatusOf, hex32ToWord, uuidToWord, wordToHex32 } from './evm.codec.js';
import { connectRpc, type RpcConnection } from './evm.rpc.js';
import { TxSender, type MinedTx } from './evm.tx-sender.js';
import { hieLedgerInterface } from './hie-ledger.artifact.js';
import { checkAnchorRequest, checkConsentEntry, checkErasureEntry, checkHex32, checkUuid, sameConsent, sameConsentParties } from './ledger-input.checks.js';
import { LedgerConflictError, LedgerIntegrityError, LedgerUnavailableError } from './ledger.errors.js';
import type { AnchorRecord, AnchorRequest, ConsentEntry, ErasureEntry, Hex32, Ledger, LedgerReceipt } from './ledger.port.js';
import { SerialQueue } from './serial.queue.js';

/** Where the contract is and who signs. */
export interface EvmLedgerOptions {
  rpcUrl: string;
  /** 0x-prefixed private key of an account the contract lists as a writer. */
  privateKey: string;
  contractAddress: string;
  /** Receipt polling while a transaction is not mined yet (default 50 ms; an automining node needs none). */
  pollingIntervalMillis?: number;
  /** Per JSON-RPC request and per receipt wait (default 10 s). */
  timeoutMillis?: number;
}

type Word = string;

/**
 * The EVM driver: the HieLedger contract on any EVM JSON-RPC node (Besu, Quorum, geth, Hardhat).
 * The contract itself refuses a second anchoring of a batch (and a second erasure record), so a
 * resend after a crash can never write twice: the driver then reads the first one back. Writes
 * are serialised in this instance, which lets it count its own nonces.
 */
export class EvmLedger implements Ledger {
  readonly kind = 'evm' as const;
  private readonly writes = new SerialQueue();
  private closed = false;

  private readonly provider: JsonRpcProvider;

  private constructor(
    private readonly rpcConnection: RpcConnection,
    private readonly sender: TxSender,
    private readonly address: string,
    /** The address that signs this ledger's transactions (authorise it with setLedgerWriter). */
    readonly signerAddress: string,
  ) {
    this.provider = rpcConnection.provider;
  }

  /**
   * Connects and checks that a contract is deployed at `contractAddress`.
   * LedgerUnavailableError when the node cannot be reached; LedgerIntegrityError when the
   * address holds no contract (wrong address, or a chain that was reset).
   */
  static async connect(options: EvmLedgerOptions): Promise<EvmLedger> {
    let address: string;
    let wallet: Wallet;
    try {
      address = getAddress(options.contractAddress);
      wallet = new Wallet(options.privateKey);
    } catch {
      // The key itself must never reach an error message.
      throw new InvalidInputError('LEDGER_EVM_CONFIG', 'EVM ledger: contractAddress or privateKey is malformed');
    }
    const timeoutMillis = options.timeoutMillis ?? 10_000;
    const pollingIntervalMillis = options.pollingIntervalMillis ?? 50;
    const rpc = await connectRpc(options.rpcUrl, { timeoutMillis, pollingIntervalMillis });
    try {
      const code = await rpc.provider.getCode(address);
      if (code === '0x') throw new LedgerIntegrityError('EVM ledger: no contract at the configured address', { address });
      const sender = new TxSender(rpc.provider, wallet.signingKey, wallet.address, address, rpc.chainId, { timeoutMillis, pollingIntervalMillis });
      return new EvmLedger(rpc, sender, address, wallet.address);
    } catch (error) {
      rpc.close();
      throw toLedgerError(error, 'connect');
    }
  }

  async anchor(request: AnchorRequest): Promise<AnchorRecord> {
    const checked = checkAnchorRequest(request);
    const held = async (): Promise<AnchorRecord | undefined> => {
      const record = await this.findAnchor(checked.batchId);
      if (record && (record.root !== checked.root || record.leafCount !== checked.leafCount)) {
        throw new LedgerConflictError('batch already anchored with another root', { batchId: checked.batchId });
      }
      return record;
    };
    const data = hieLedgerInterface.encodeFunctionData('anchor', [uuidToWord(checked.batchId), hex32ToWord(checked.root), checked.leafCount]);
    return this.writeOnce('anchor', data, held, async (mined) => ({ ...checked, ...(await this.receiptOf(mined)) }));
  }

  async findAnchor(batchId: string): Promise<AnchorRecord | undefined> {
    const id = uuidToWord(checkUuid('batchId', batchId));
    const [root, leafCount, blockNumber, timestamp] = await this.view<[Word, bigint, bigint, bigint]>('batches', [id]);
    if (root === ZeroHash) return undefined;
    const { log, event } = await this.latestLog('BatchAnchored', id, blockNumber);
    if (event.args.root !== root || event.args.leafCount !== leafCount) {
      throw new LedgerIntegrityError('EVM ledger: BatchAnchored log disagrees with the contract state', { block: Number(blockNumber) });
    }
    return {
      batchId: batchId.toLowerCase(),
      root: wordToHex32(root),
      leafCount: Number(leafCount),
      txHash: log.transactionHash,
      blockNumber: log.blockNumber,
      at: new Date(Number(timestamp) * 1000),
    };
  }

  async recordConsent(entry: ConsentEntry): Promise<LedgerReceipt> {
    const checked = checkConsentEntry(entry);
    // The receipt of the state held, when it is already this one; undefined when a change is due.
    const held = async (): Promise<LedgerReceipt | undefined> => {
      const current = await this.findConsent(checked.consentId);
      if (!current) return undefined;
      if (!sameConsentParties(current, checked)) {
        throw new LedgerConflictError('consent already recorded for another subject, grantee or scope', { consentId: checked.consentId });
      }
      return sameConsent(current, checked) ? { txHash: current.txHash, blockNumber: current.blockNumber, at: current.at } : undefined;
    };
    const data = hieLedgerInterface.encodeFunctionData('recordConsent', [
      hex32ToWord(checked.consentId),
      hex32ToWord(checked.subject),
      hex32ToWord(checked.grantee),
      hex32ToWord(checked.scopeHash),
      BigInt(checked.periodStart.getTime()),
      BigInt(checked.periodEnd?.getTime() ?? 0),
      CONSENT_STATUS[checked.status],
    ]);
    return this.writeOnce('recordConsent', data, held, (mined) => this.receiptOf(mined));
  }

  async findConsent(consentId: Hex32): Promise<(ConsentEntry & LedgerReceipt) | undefined> {
    const id = hex32ToWord(checkHex32('consentId', consentId, true));
    const [subject, grantee, scopeHash, start, end, statusCode, blockNumber, timestamp] = await this.view<
      [Word, Word, Word, bigint, bigint, bigint, bigint, bigint]
    >('consents', [id]);
    if (subject === ZeroHash) return undefined;
    const status = consentStatusOf(Number(statusCode));
    // Several changes can share a block: the stored state is the last of them.
    const { log, event } = await this.latestLog('ConsentRecorded', id, blockNumber);
    const a = event.args;
    const agrees =
      a.subject === subject && a.grantee === grantee && a.scopeHash === scopeHash && a.start === start && a.end === end && a.status === statusCode;
    if (!status || !agrees) {
      throw new LedgerIntegrityError('EVM ledger: ConsentRecorded log disagrees with the contract state', { block: Number(blockNumber) });
    }
    const consent: ConsentEntry & LedgerReceipt = {
      consentId,
      subject: wordToHex32(subject),
      grantee: wordToHex32(grantee),
      scopeHash: wordToHex32(scopeHash),
      periodStart: new Date(Number(start)),
      status,
      txHash: log.transactionHash,
      blockNumber: log.blockNumber,
      at: new Date(Number(timestamp) * 1000),
    };
    if (end !== 0n) consent.periodEnd = new Date(Number(end));
    return consent;
  }

  /** The block's time is the erasure's time on chain: `entry.at` is not sent. */
  async recordErasure(entry: ErasureEntry): Promise<LedgerReceipt> {
    const checked = checkErasureEntry(entry);
    const id = uuidToWord(checked.erasureId);
    const held = async (): Promise<LedgerReceipt | undefined> => {
      const [subject, blockNumber, timestamp] = await this.view<[Word, bigint, bigint]>('erasures', [id]);
      if (subject === ZeroHash) return undefined;
      if (subject !== hex32ToWord(checked.subject)) {
        throw new LedgerConflictError('erasure already recorded for another subject', { erasureId: checked.erasureId });
      }
      const { log } = await this.latestLog('ErasureRecorded', id, blockNumber);
      return { txHash: log.transactionHash, blockNumber: log.blockNumber, at: new Date(Number(timestamp) * 1000) };
    };
    const data = hieLedgerInterface.encodeFunctionData('recordErasure', [id, hex32ToWord(checked.subject)]);
    return this.writeOnce('recordErasure', data, held, (mined) => this.receiptOf(mined));
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    // Let a write in flight finish before the provider goes away.
    await this.writes.run(async () => undefined);
    this.rpcConnection.close();
  }

  /**
   * The one write path: what the chain already holds (`held`) is read while the transaction is
   * prepared (its gas estimate is a dry run), in parallel, as the two answer the same question
   * and a local send is mostly round trips. Held → returned, nothing sent. Any failure after
   * that (the contract's "exists" revert from a racing writer, a revert on chain, a lost
   * receipt) is checked against the chain again before it is reported, so a write that did
   * happen is returned, never repeated.
   */
  private writeOnce<T>(operation: string, data: string, held: () => Promise<T | undefined>, sent: (mined: MinedTx) => Promise<T>): Promise<T> {
    if (this.closed) return Promise.reject(new LedgerUnavailableError('EVM ledger is closed', { reason: 'closed' }));
    return this.writes.run(async () => {
      const [existing, prepared] = await Promise.allSettled([held(), this.sender.prepare(data)]);
      if (existing.status === 'rejected') throw toLedgerError(existing.reason, operation);
      if (existing.value !== undefined) return existing.value;
      let mined: MinedTx;
      try {
        if (prepared.status === 'rejected') throw prepared.reason;
        mined = await this.sender.submit(prepared.value);
      } catch (error) {
        // A conflict found now is the answer; a failing re-read leaves the first error as the answer.
        const now = await held().catch((reread: unknown) => {
          if (reread instanceof LedgerConflictError) throw reread;
          return undefined;
        });
        if (now !== undefined) return now;
        throw toLedgerError(error, operation);
      }
      return sent(mined);
    });
  }

  /** txHash and block from the receipt; the time from its block (what the contract stored). */
  private async receiptOf(mined: MinedTx): Promise<LedgerReceipt> {
    const block = await this.rpc('getBlock', () => this.provider.getBlock(mined.blockHash));
    if (!block) throw new LedgerUnavailableError('EVM ledger: the block of a receipt is not available', { reason: 'no-block' });
    return { txHash: mined.hash, blockNumber: mined.blockNumber, at: new Date(block.timestamp * 1000) };
  }

  private async view<T extends unknown[]>(method: string, args: readonly unknown[]): Promise<T> {
    if (this.closed) throw new LedgerUnavailableError('EVM ledger is closed', { reason: 'closed' });
    return this.rpc(method, async () => {
      const result = await this.provider.call({ to: this.address, data: hieLedgerInterface.encodeFunctionData(method, args) });
      return hieLedgerInterface.decodeFunctionResult(method, result).toArray() as T;
    });
  }

  /** The last `eventName` log for `id` in `blockNumber` (the contract stores the block of the latest change). */
  private async latestLog(eventName: string, id: Word, blockNumber: bigint): Promise<{ log: Log; event: LogDescription }> {
    const topic = hieLedgerInterface.getEvent(eventName)!.topicHash;
    const block = Number(blockNumber);
    const logs = await this.rpc('getLogs', () =>
      this.provider.getLogs({ address: this.address, topics: [topic, id], fromBlock: block, toBlock: block }),
    );
    const log = logs.at(-1);
    const event = log && hieLedgerInterface.parseLog(log);
    if (!log || !event) throw new LedgerIntegrityError(`EVM ledger: ${eventName} log missing for a stored entry`, { block });
    return { log, event };
  }

  private async rpc<T>(operation: string, call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (error) {
      throw toLedgerError(error, operation);
    }
  }
}
