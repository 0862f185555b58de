// @ts-check
/**
 * Issue 3: chain load follows time, not traffic. The engine on a small machine cannot convert
 * 1,000 msg/s, so the anchor stage is driven at that rate directly: a feeder inserts
 * `protected_record` rows (15 records per message) into a fresh database migrated by the built
 * store, while the built pipeline's AnchorBatcher (built ProtectionRepository, built EvmLedger
 * on a Hardhat node, interval 1000 ms) anchors them. Counts the contract's transactions per
 * 1-s window and how long a record waits to be anchored.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import pg from 'pg';
import { contractTransactions, startHardhatWithContract } from './lib/hardhat.js';
import { sleep } from './lib/engine.js';
import { importLib } from './lib/libs.js';
import { createBenchDatabase } from './lib/services.js';

const TYPES = ['Observation', 'Patient', 'Encounter', 'DiagnosticReport', 'Specimen'];

/**
 * @param {{ seconds: number, messagesPerSecond: number, recordsPerMessage: number, intervalMillis: number, log?: (line: string) => void }} options
 */
export async function benchAnchorRate(options) {
  const log = options.log ?? (() => {});
  const store = await importLib('store');
  const pipeline = await importLib('pipeline');
  const ledgerLib = await importLib('ledger');
  const db = await createBenchDatabase();
  /** @type {Awaited<ReturnType<typeof startHardhatWithContract>> | undefined} */
  let chain;
  /** @type {import('typeorm').DataSource | undefined} */
  let dataSource;
  /** @type {{ close(): Promise<void> } | undefined} */
  let ledger;
  const feeder = new pg.Client({ connectionString: db.url });
  let feederOpen = false;
  try {
    dataSource = await store.openDatabase({ kind: 'postgres', url: db.url });
    chain = await startHardhatWithContract();
    const evm = await ledgerLib.EvmLedger.connect({ rpcUrl: chain.rpcUrl, privateKey: chain.privateKey, contractAddress: chain.contract });
    ledger = evm;
    const repository = new store.ProtectionRepository(dataSource);
    await feeder.connect();
    feederOpen = true;

    // The batcher's own store and ledger, wrapped only to note when each ledger call and each
    // batch finished (wall clock, this process).
    /** @type {{ batchId: string, leafCount: number, startedAt: number, minedAt: number, txHash: string, blockNumber: number }[]} */
    const calls = [];
    /** @type {Map<string, number>} */
    const anchoredAt = new Map();
    /** @type {number[]} how long each successful claim took (Merkle tree + proofs written) */
    const claimMillis = [];
    const storePort = {
      claimBatch: async (/** @type {unknown} */ input) => {
        const started = Date.now();
        const batch = await repository.claimBatch(input);
        if (batch) claimMillis.push(Date.now() - started);
        return batch;
      },
      pendingBatches: () => repository.pendingBatches(),
      markBatchAttempt: (/** @type {string} */ id, /** @type {string} */ code) => repository.markBatchAttempt(id, code),
      markBatchAnchored: async (/** @type {string} */ id, /** @type {unknown} */ receipt) => {
        const result = await repository.markBatchAnchored(id, receipt);
        anchoredAt.set(id, Date.now());
        return result;
      },
    };
    const ledgerPort = {
      kind: evm.kind,
      anchor: async (/** @type {{ batchId: string, root: string, leafCount: number }} */ request) => {
        const startedAt = Date.now();
        const record = await evm.anchor(request);
        calls.push({ batchId: request.batchId, leafCount: request.leafCount, startedAt, minedAt: Date.now(), txHash: record.txHash, blockNumber: record.blockNumber });
        return record;
      },
    };
    const batcher = new pipeline.AnchorBatcher(storePort, ledgerPort, { intervalMillis: options.intervalMillis, maxLeaves: 100_000 });

    const rowsPerSecond = options.messagesPerSecond * options.recordsPerMessage;
    log(`  feeding ${rowsPerSecond} protected_record rows/s (${options.messagesPerSecond} msg/s x ${options.recordsPerMessage}) for ${options.seconds} s; batcher interval ${options.intervalMillis} ms, EVM ledger on Hardhat`);
    batcher.start();
    const fedFrom = Date.now();
    let inserted = 0;
    let insertMillis = 0;
    let nextId = 0;
    while (Date.now() - fedFrom < options.seconds * 1000) {
      // ~100 ms batches; a slow insert makes the next one larger (capped), so the rate holds if it can.
      const due = Math.min(Math.floor(((Date.now() - fedFrom) / 1000) * rowsPerSecond) - inserted, rowsPerSecond);
      if (due < options.recordsPerMessage) {
        await sleep(100 - ((Date.now() - fedFrom) % 100));
        continue;
      }
      const count = due - (due % options.recordsPerMessage);
      const t0 = Date.now();
      await insertRows(feeder, count, options.recordsPerMessage, nextId, new Date(t0));
      insertMillis += Date.now() - t0;
      nextId += count;
      inserted += count;
    }
    const fedSeconds = (Date.now() - fedFrom) / 1000;
    log(`  inserted ${inserted} rows in ${fedSeconds.toFixed(1)} s (${(inserted / fedSeconds).toFixed(0)} rows/s, inserts busy ${((insertMillis / 1000 / fedSeconds) * 100).toFixed(0)}% of the time); waiting for the batcher to finish`);

    const drainDeadline = Date.now() + 120_000;
    let stages = await repository.stageCounts();
    while ((stages.unbatchedRecords > 0 || stages.pendingBatches > 0) && Date.now() < drainDeadline) {
      await sleep(100);
      stages = await repository.stageCounts();
    }
    const drainedAt = Date.now();
    await batcher.stop();

    const onChain = await contractTransactions(chain.rpcUrl, chain.contract, chain.deployBlock);
    const anchoredRows = Number(
      (await feeder.query(`SELECT count(*) AS n FROM protected_record p JOIN anchor_batch b ON b.id = p.batch_id WHERE b.status = 'anchored'`)).rows[0].n,
    );
    // When each batch was claimed (the store's gate keeps these at least one interval apart).
    const claimed = (await feeder.query(`SELECT created_at FROM anchor_batch ORDER BY created_at`)).rows.map((r) => /** @type {Date} */ (r.created_at).getTime());
    const claimGaps = claimed.slice(1).map((t, i) => t - /** @type {number} */ (claimed[i]));
    const ids = [...anchoredAt.keys()];
    const lag = (
      await feeder.query(
        `SELECT percentile_disc(0.5) WITHIN GROUP (ORDER BY lag) AS p50, percentile_disc(0.95) WITHIN GROUP (ORDER BY lag) AS p95, max(lag) AS max
         FROM (SELECT extract(epoch FROM (a.t - p.created_at)) * 1000 AS lag
               FROM protected_record p JOIN unnest($1::uuid[], $2::timestamptz[]) AS a(id, t) ON a.id = p.batch_id) x`,
        [ids, ids.map((id) => new Date(/** @type {number} */ (anchoredAt.get(id))))],
      )
    ).rows[0];

    // Fixed 1-s windows from the start of feeding, on the time each transaction was mined
    // (Hardhat automines: a transaction is in a block when the send returns).
    /** @type {Map<number, number>} */
    const perWindow = new Map();
    for (const c of calls) {
      const w = Math.floor((c.minedAt - fedFrom) / 1000);
      perWindow.set(w, (perWindow.get(w) ?? 0) + 1);
    }
    // The chain's own clock, for information: Hardhat never gives two blocks the same
    // timestamp by default, so this cannot show two transactions in one second.
    /** @type {Map<number, number>} */
    const perBlockSecond = new Map();
    for (const t of onChain) perBlockSecond.set(t.timestamp, (perBlockSecond.get(t.timestamp) ?? 0) + 1);
    // Any 1-s span, wherever it starts (stricter than fixed windows).
    const sliding = Math.max(0, ...calls.map((c) => calls.filter((d) => d.minedAt >= c.minedAt && d.minedAt < c.minedAt + 1000).length));
    const gaps = calls.slice(1).map((c, i) => c.minedAt - /** @type {{ minedAt: number }} */ (calls[i]).minedAt);
    const spanSeconds = (Math.max(drainedAt, ...calls.map((c) => c.minedAt)) - fedFrom) / 1000;
    const result = {
      insertedRows: inserted,
      fedSeconds,
      rowsPerSecond: inserted / fedSeconds,
      messagesPerSecond: inserted / options.recordsPerMessage / fedSeconds,
      anchoredRows,
      ledgerCalls: calls.length,
      contractTransactions: onChain.length,
      maxTxPerWindow: Math.max(0, ...perWindow.values()),
      maxTxPerSlidingSecond: sliding,
      maxTxPerBlockSecond: Math.max(0, ...perBlockSecond.values()),
      meanTxPerSecond: onChain.length / spanSeconds,
      minGapMillis: gaps.length > 0 ? Math.min(...gaps) : Number.NaN,
      claimMillisMin: claimMillis.length > 0 ? Math.min(...claimMillis) : Number.NaN,
      claimMillisMax: claimMillis.length > 0 ? Math.max(...claimMillis) : Number.NaN,
      minClaimGapMillis: claimGaps.length > 0 ? Math.min(...claimGaps) : Number.NaN,
      maxLeavesPerBatch: Math.max(0, ...calls.map((c) => c.leafCount)),
      meanLeavesPerBatch: calls.length > 0 ? calls.reduce((n, c) => n + c.leafCount, 0) / calls.length : 0,
      lagP50Millis: Number(lag.p50),
      lagP95Millis: Number(lag.p95),
      lagMaxMillis: Number(lag.max),
      drainSeconds: (drainedAt - fedFrom) / 1000 - fedSeconds,
      drained: stages.unbatchedRecords === 0 && stages.pendingBatches === 0,
    };
    log(
      `  ${result.contractTransactions} contract transactions (${result.ledgerCalls} ledger calls) over ${spanSeconds.toFixed(1)} s: max ${result.maxTxPerWindow} per 1-s window (${result.maxTxPerSlidingSecond} in any sliding 1 s), ` +
        `mean ${result.meanTxPerSecond.toFixed(2)}/s, min gap ${result.minGapMillis.toFixed(0)} ms between mined transactions, ${result.minClaimGapMillis.toFixed(0)} ms between batch claims (a claim took ${result.claimMillisMin.toFixed(0)}–${result.claimMillisMax.toFixed(0)} ms); ${anchoredRows}/${inserted} rows anchored, ` +
        `up to ${result.maxLeavesPerBatch} leaves per batch; lag p50 ${result.lagP50Millis.toFixed(0)} ms, p95 ${result.lagP95Millis.toFixed(0)} ms, max ${result.lagMaxMillis.toFixed(0)} ms`,
    );
    return result;
  } finally {
    if (feederOpen) await feeder.end().catch(() => {});
    await ledger?.close().catch(() => {});
    await dataSource?.destroy().catch(() => {});
    await chain?.stop().catch(() => {});
    await db.drop().catch(() => {});
  }
}

/**
 * Inserts `count` protected_record rows in one statement: `recordsPerMessage` per random message
 * id, keys unique (type, `bench-<n>`, version 1), random 64-hex hashes, created at `at`.
 * @param {pg.Client} client
 * @param {number} count
 * @param {number} recordsPerMessage
 * @param {number} firstId
 * @param {Date} at
 */
async function insertRows(client, count, recordsPerMessage, firstId, at) {
  const types = [];
  const ids = [];
  const messageIds = [];
  const subjects = [];
  const dataKeys = [];
  const cids = [];
  const contentHashes = [];
  const keyedHashes = [];
  const sizes = [];
  const random = randomBytes(count * 96);
  let messageId = '';
  let subject = '';
  let dataKey = '';
  for (let i = 0; i < count; i++) {
    if (i % recordsPerMessage === 0) {
      messageId = randomUUID();
      dataKey = randomUUID();
      subject = random.toString('hex', i * 96 + 64, i * 96 + 96);
    }
    const n = firstId + i;
    types.push(/** @type {string} */ (TYPES[n % TYPES.length]));
    ids.push(`bench-${n}`);
    messageIds.push(messageId);
    subjects.push(subject);
    dataKeys.push(dataKey);
    contentHashes.push(random.toString('hex', i * 96, i * 96 + 32));
    keyedHashes.push(random.toString('hex', i * 96 + 32, i * 96 + 64));
    cids.push(`bafkrei${n.toString(36).padStart(52, 'a')}`);
    sizes.push(800 + (n % 2000));
  }
  await client.query(
    `INSERT INTO protected_record (type, id, version_id, message_id, subject_key, data_key_id, cid, content_hash, keyed_hash, size_bytes, created_at)
     SELECT type, id, 1, message_id, subject_key, data_key_id, cid, content_hash, keyed_hash, size_bytes, $10
     FROM unnest($1::text[], $2::text[], $3::uuid[], $4::text[], $5::uuid[], $6::text[], $7::text[], $8::text[], $9::int[])
       AS v(type, id, message_id, subject_key, data_key_id, cid, content_hash, keyed_hash, size_bytes)`,
    [types, ids, messageIds, subjects, dataKeys, cids, contentHashes, keyedHashes, sizes, at],
  );
}
