/**
 * The anchoring batcher's claim: `claimBatch` over a backlog of protected records (default
 * 50,000, all in one batch), with a real SHA-256 Merkle tree (16 proof hashes per leaf).
 * Prints the claim's wall-clock time and how much of it was the tree. Run:
 * `npx vitest run --config libs/store/bench/vitest.config.ts libs/store/bench/claim-batch.measure.ts`.
 * Env: STORE_BENCH_LEAVES (default 50000), STORE_BENCH_DRIVERS (default `postgres,sqlite`).
 */
import { it } from 'vitest';
import { uuidv7 } from '@hie/common';
import { ProtectionRepository } from '@hie/store';
import { openTestStore } from '../../../test/support/test-store.js';
import { buildTestTree, recordFor } from '../src/protect/protection.test-kit.js';

const LEAVES = Number(process.env['STORE_BENCH_LEAVES'] ?? 50_000);
const DRIVERS = (process.env['STORE_BENCH_DRIVERS'] ?? 'postgres,sqlite').split(',');

for (const driver of DRIVERS) {
  it(`claimBatch of ${LEAVES} records on ${driver}`, async () => {
    const store = await openTestStore(driver === 'postgres' ? 'postgres' : 'sqlite');
    try {
      const repo = new ProtectionRepository(store.dataSource);
      const dataKeyId = uuidv7();
      for (let start = 0; start < LEAVES; start += 5000) {
        const messageId = uuidv7();
        const records = Array.from({ length: Math.min(5000, LEAVES - start) }, (_, i) =>
          recordFor({ messageId, type: 'Observation', id: `obs-${start + i}`, versionId: 1 }, `subject-${(start + i) % 997}`, dataKeyId));
        await repo.recordProtection(records, []);
      }
      if (driver === 'postgres') await store.dataSource.query('ANALYZE protected_record');
      let treeMs = 0;
      const started = performance.now();
      const batch = await repo.claimBatch({
        batchId: uuidv7(), ledger: 'embedded', maxLeaves: LEAVES, minIntervalMillis: 0, now: new Date(),
        build: (leaves) => {
          const t = performance.now();
          const tree = buildTestTree(leaves);
          treeMs = performance.now() - t;
          return tree;
        },
      });
      const totalMs = performance.now() - started;
      if (batch?.leafCount !== LEAVES) throw new Error(`claimed ${batch?.leafCount ?? 0} leaves, expected ${LEAVES}`);
      const counts = await repo.stageCounts();
      console.log(
        `[claim-batch] ${driver}: ${LEAVES} leaves in ${totalMs.toFixed(0)} ms (Merkle tree ${treeMs.toFixed(0)} ms, store ${(totalMs - treeMs).toFixed(0)} ms); unbatched after: ${counts.unbatchedRecords}`,
      );
    } finally {
      await store.close();
    }
  }, 300_000);
}
