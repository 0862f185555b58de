import { describe, expect, it } from 'vitest';
import { HieError } from '@hie/common';
import { AnchorBatcher, merkleBatch } from './anchor.batcher.js';
import type { AnchorBatchView, AnchorStorePort } from './protect.ports.js';

/** An in-memory anchor store: unbatched leaves, batches, and the one-batch-per-interval rule. */
class FakeAnchorStore implements AnchorStorePort {
  unbatched: string[] = [];
  batches: AnchorBatchView[] = [];
  attempts: string[] = [];

  async claimBatch(input: Parameters<AnchorStorePort['claimBatch']>[0]): Promise<AnchorBatchView | undefined> {
    if (this.batches.some((b) => b.status === 'pending')) return undefined;
    const newest = this.batches.at(-1);
    if (newest && newest.createdAt.getTime() > input.now.getTime() - input.minIntervalMillis) return undefined;
    const leaves = this.unbatched.splice(0, input.maxLeaves);
    if (leaves.length === 0) return undefined;
    const { root } = input.build(leaves.map((keyedHash) => ({ keyedHash })));
    const batch: AnchorBatchView = { id: input.batchId, root, leafCount: leaves.length, status: 'pending', ledger: input.ledger, createdAt: input.now, attempts: 0 };
    this.batches.push(batch);
    return { ...batch };
  }

  async pendingBatches(): Promise<AnchorBatchView[]> {
    return this.batches.filter((b) => b.status === 'pending').map((b) => ({ ...b }));
  }

  async markBatchAnchored(batchId: string, receipt: { txHash: string; blockNumber: number }): Promise<{ messagesAnchored: number }> {
    const batch = this.batches.find((b) => b.id === batchId)!;
    if (batch.status === 'anchored') return { messagesAnchored: 0 };
    Object.assign(batch, { status: 'anchored', txHash: receipt.txHash, blockNumber: receipt.blockNumber });
    return { messagesAnchored: batch.leafCount };
  }

  async markBatchAttempt(batchId: string, errorCode: string): Promise<void> {
    this.attempts.push(`${batchId}:${errorCode}`);
  }
}

/** A ledger that can be down, and counts what it anchored per batch id. */
class FakeLedger {
  readonly kind = 'embedded' as const;
  down = false;
  readonly anchored = new Map<string, string>();
  calls = 0;

  async anchor(request: { batchId: string; root: string; leafCount: number }) {
    this.calls++;
    if (this.down) throw new HieError('LEDGER_UNAVAILABLE', 'down');
    if (!this.anchored.has(request.batchId)) this.anchored.set(request.batchId, request.root);
    return { ...request, txHash: `tx-${request.batchId}`, blockNumber: this.anchored.size, at: new Date() };
  }
}

const leaf = (i: number) => i.toString(16).padStart(64, '0');

describe('AnchorBatcher', () => {
  it('puts every waiting record under one root and anchors it once', async () => {
    const store = new FakeAnchorStore();
    store.unbatched = [leaf(1), leaf(2), leaf(3)];
    const ledger = new FakeLedger();
    let now = 1_000_000;
    const batcher = new AnchorBatcher(store, ledger, { intervalMillis: 1000, maxLeaves: 100 }, undefined, () => now);
    const result = await batcher.tick();
    expect(result).toEqual({ batchesAnchored: 1, messagesAnchored: 3 });
    expect(ledger.anchored.size).toBe(1);
    expect([...ledger.anchored.values()][0]).toBe(merkleBatch([leaf(1), leaf(2), leaf(3)].map((keyedHash) => ({ keyedHash }))).root);
    // Records arriving within the interval wait for the next one: chain load follows time.
    store.unbatched = [leaf(4)];
    now += 400;
    expect((await batcher.tick()).batchesAnchored).toBe(0);
    now += 700;
    expect((await batcher.tick()).batchesAnchored).toBe(1);
    expect(ledger.anchored.size).toBe(2);
  });

  it('keeps the batch pending while the ledger is down, backs off, then anchors the SAME batch once', async () => {
    const store = new FakeAnchorStore();
    store.unbatched = [leaf(1), leaf(2)];
    const ledger = new FakeLedger();
    ledger.down = true;
    let now = 5_000_000;
    const batcher = new AnchorBatcher(store, ledger, { intervalMillis: 100, maxLeaves: 100, maxBackoffMillis: 1000 }, undefined, () => now);
    const first = await batcher.tick();
    expect(first.failure).toBe('LEDGER_UNAVAILABLE');
    expect(store.batches).toHaveLength(1);
    expect(store.batches[0]!.status).toBe('pending');
    const calls = ledger.calls;
    now += 50; // inside the backoff: no call at all
    await batcher.tick();
    expect(ledger.calls).toBe(calls);
    now += 10_000;
    ledger.down = false;
    store.unbatched = [leaf(3)];
    const after = await batcher.tick();
    expect(after.failure).toBeUndefined();
    // The pending batch first (same id), then a new one for the new record.
    expect(store.batches.map((b) => b.status)).toEqual(['anchored', 'anchored']);
    expect(ledger.anchored.size).toBe(2);
    expect(ledger.anchored.get(store.batches[0]!.id)).toBe(store.batches[0]!.root);
    expect(store.attempts).toEqual([`${store.batches[0]!.id}:LEDGER_UNAVAILABLE`]);
  });

  it("leaves another process's fresh pending batch alone, and takes over a stale one", async () => {
    const store = new FakeAnchorStore();
    let now = 9_000_000;
    store.batches.push({ id: 'other', root: leaf(9), leafCount: 1, status: 'pending', ledger: 'embedded', createdAt: new Date(now - 1000), attempts: 0 });
    const ledger = new FakeLedger();
    const batcher = new AnchorBatcher(store, ledger, { intervalMillis: 100, maxLeaves: 10, takeOverAfterMillis: 5000 }, undefined, () => now);
    expect((await batcher.tick()).batchesAnchored).toBe(0);
    expect(ledger.calls).toBe(0);
    now += 10_000;
    expect((await batcher.tick()).batchesAnchored).toBe(1);
    expect(ledger.anchored.get('other')).toBe(leaf(9));
  });
});
