import { HieError, uuidv7 } from '@hie/common';
import { buildMerkleTree, encodeMerkleProof } from '@hie/crypto';
import type { Ledger } from '@hie/ledger';
import { PeriodicRun } from '../periodic-run.js';
import { silentLogger, type PipelineLogger } from '../pipeline.ports.js';
import type { AnchorBatchView, AnchorStorePort } from './protect.ports.js';

/** Settings of an {@link AnchorBatcher}. */
export interface AnchorBatcherOptions {
  /** At most one new batch (one ledger transaction) per this many milliseconds, across all processes. */
  readonly intervalMillis: number;
  /** Most record hashes under one root. */
  readonly maxLeaves: number;
  /**
   * A pending batch another process created is taken over only after this long (its creator
   * normally anchors it within milliseconds; taking over sooner would double the ledger calls).
   */
  readonly takeOverAfterMillis?: number;
  /** Longest wait between retries while the ledger is down. */
  readonly maxBackoffMillis?: number;
}

/** What one tick did. */
export interface AnchorTickResult {
  readonly batchesAnchored: number;
  readonly messagesAnchored: number;
  /** Set when the ledger failed this tick (an error code, PHI-free). */
  readonly failure?: string;
}

/**
 * The anchor stage: gathers protected records not yet in a batch, puts their keyed hashes under
 * one Merkle root (each record keeps its inclusion proof), and anchors the root with ONE ledger
 * call. The store decides, under a lock, whether a new batch may start (one per interval, so
 * chain load follows time, not traffic). The batch and its proofs are committed before the
 * ledger call and the ledger is idempotent per batch id, so a crash or an outage between the
 * two never anchors anything twice: the pending batch is simply anchored again later.
 */
export class AnchorBatcher {
  // tick() catches its own failures (it backs off), so a run never rejects.
  private readonly periodic = new PeriodicRun(() => this.tick());
  private readonly mine = new Set<string>();
  private failures = 0;
  private retryAt = 0;

  constructor(
    private readonly store: AnchorStorePort,
    private readonly ledger: Pick<Ledger, 'kind' | 'anchor'>,
    private readonly options: AnchorBatcherOptions,
    private readonly logger: PipelineLogger = silentLogger,
    private readonly now: () => number = Date.now,
  ) {}

  /** Ticks every half interval until {@link stop}. */
  start(): void {
    this.periodic.start(Math.max(5, Math.floor(this.options.intervalMillis / 2)));
  }

  stop(): Promise<void> {
    return this.periodic.stop();
  }

  /** Finishes pending batches, then starts (and anchors) a new one if the store allows it. */
  async tick(): Promise<AnchorTickResult> {
    if (this.now() < this.retryAt) return { batchesAnchored: 0, messagesAnchored: 0 };
    let batchesAnchored = 0;
    let messagesAnchored = 0;
    try {
      const takeOverBefore = this.now() - (this.options.takeOverAfterMillis ?? 15_000);
      for (const batch of await this.store.pendingBatches()) {
        if (!this.mine.has(batch.id) && batch.createdAt.getTime() > takeOverBefore) continue;
        messagesAnchored += await this.anchor(batch);
        batchesAnchored++;
      }
      const batch = await this.store.claimBatch({
        batchId: uuidv7(this.now()),
        ledger: this.ledger.kind,
        maxLeaves: this.options.maxLeaves,
        minIntervalMillis: this.options.intervalMillis,
        now: new Date(this.now()),
        build: merkleBatch,
      });
      if (batch) {
        this.mine.add(batch.id);
        messagesAnchored += await this.anchor(batch);
        batchesAnchored++;
      }
      this.failures = 0;
      return { batchesAnchored, messagesAnchored };
    } catch (error) {
      // Ledger or database down: everything stays where it is (pending batch, unbatched records),
      // and the next try waits longer each time.
      this.failures++;
      const wait = Math.min(this.options.intervalMillis * 2 ** this.failures, this.options.maxBackoffMillis ?? 60_000);
      this.retryAt = this.now() + wait;
      const code = error instanceof HieError ? error.code : 'ANCHOR_FAILED';
      this.logger.warn(`anchoring failed (${code}); retrying in ${wait} ms`);
      return { batchesAnchored, messagesAnchored, failure: code };
    }
  }

  private async anchor(batch: AnchorBatchView): Promise<number> {
    try {
      const receipt = await this.ledger.anchor({ batchId: batch.id, root: batch.root, leafCount: batch.leafCount });
      // anchored_at is the engine's clock when the ledger confirmed (chain clocks drift): the next
      // batch may start an interval after it, so ledger transactions are an interval apart.
      const at = new Date(this.now());
      const { messagesAnchored } = await this.store.markBatchAnchored(batch.id, { txHash: receipt.txHash, blockNumber: receipt.blockNumber, at });
      this.mine.delete(batch.id);
      return messagesAnchored;
    } catch (error) {
      await this.store.markBatchAttempt(batch.id, error instanceof HieError ? error.code : 'ANCHOR_FAILED').catch(() => undefined);
      throw error;
    }
  }
}

/** The Merkle root (hex) over the batch's keyed hashes, in order, and each leaf's encoded proof. */
export function merkleBatch(leaves: readonly { keyedHash: string }[]): { root: string; proofs: Buffer[] } {
  const tree = buildMerkleTree(leaves.map((l) => Buffer.from(l.keyedHash, 'hex')));
  return { root: tree.root.toString('hex'), proofs: tree.proofs.map(encodeMerkleProof) };
}
