import { isUuid } from '../sql/batching.js';
import { pgColumns } from '../sql/pg-columns.js';
import type { PgClient, SqlRunner } from '../sql/sql-runner.js';
import type { AnchorBatchRow, AnchorReceipt, ClaimBatchInput, NewProtectedRecord, ProtectionResult } from './protection.model.js';
import { protectionVerdict, validateTree } from './protection.validator.js';

/** Any fixed number (not the migration lock's): serialises batch claims across processes. */
const CLAIM_LOCK_KEY = 0x4849_4532;

function byKey(a: NewProtectedRecord, b: NewProtectedRecord): number {
  return a.type < b.type ? -1 : a.type > b.type ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : a.versionId - b.versionId;
}

/**
 * Records protected versions and moves their messages on, in one transaction. Inserts go in
 * key order (two redeliveries of a job wait on each other, never deadlock) and keep the first
 * row of a key. The `converted` messages are then locked (so no `$reprocess` can slip in
 * between the verdict and the update), and any pending batch holding their older records is
 * share-locked, so a concurrent markBatchAnchored either finishes first (the verdict sees the
 * batch anchored) or waits for this commit (and then sees the message `stored`).
 */
export async function recordProtectionOnPostgres(
  sql: SqlRunner, records: readonly NewProtectedRecord[], messageIds: readonly string[], now: Date,
): Promise<ProtectionResult> {
  const sorted = [...records].sort(byKey);
  const ids = [...new Set(messageIds.filter(isUuid))].sort();
  return sql.pgTransaction(async (client) => {
    if (sorted.length > 0) await insertRecords(client, sorted, now);
    const result: ProtectionResult = { stored: [], anchored: [] };
    if (ids.length === 0) return result;
    const locked = await client.query<{ id: string }>(
      `SELECT id FROM message WHERE id = ANY($1::uuid[]) AND status = 'converted' ORDER BY id FOR UPDATE`,
      [ids],
    );
    const candidates = locked.rows.map((r) => r.id);
    if (candidates.length === 0) return result;
    await client.query(
      `SELECT b.id FROM anchor_batch b WHERE b.status = 'pending' AND b.id IN (
         SELECT p.batch_id FROM protected_record p WHERE p.message_id = ANY($1::uuid[]) AND p.batch_id IS NOT NULL)
       ORDER BY b.id FOR SHARE OF b`,
      [candidates],
    );
    const stats = await client.query<{ id: string; versions: number; protected: number; unanchored: number }>(
      `SELECT c.id, count(h.version_id)::int AS versions, count(p.version_id)::int AS protected,
         (SELECT count(*) FROM protected_record q LEFT JOIN anchor_batch qb ON qb.id = q.batch_id
          WHERE q.message_id = c.id AND qb.status IS DISTINCT FROM 'anchored')::int AS unanchored
       FROM unnest($1::uuid[]) AS c(id)
       LEFT JOIN fhir_resource_history h ON h.message_id = c.id
       LEFT JOIN protected_record p ON p.type = h.type AND p.id = h.id AND p.version_id = h.version_id
       GROUP BY c.id`,
      [candidates],
    );
    const moves: { id: string; status: 'stored' | 'anchored' }[] = [];
    for (const row of stats.rows) {
      const status = protectionVerdict(row);
      if (status) moves.push({ id: row.id, status });
    }
    if (moves.length === 0) return result;
    await client.query(
      `UPDATE message m SET status = x.status, updated_at = $3 FROM unnest($1::uuid[], $2::text[]) AS x(id, status) WHERE m.id = x.id`,
      [moves.map((m) => m.id), moves.map((m) => m.status), now],
    );
    for (const move of moves) result[move.status].push(move.id);
    return result;
  });
}

async function insertRecords(client: PgClient, records: readonly NewProtectedRecord[], now: Date): Promise<void> {
  const c = pgColumns([
    [records.map((r) => r.type), 'text'], [records.map((r) => r.id), 'text'], [records.map((r) => r.versionId), 'int'],
    [records.map((r) => r.messageId), 'uuid'], [records.map((r) => r.subjectKey), 'text'], [records.map((r) => r.dataKeyId), 'uuid'],
    [records.map((r) => r.cid), 'text'], [records.map((r) => r.contentHash), 'text'], [records.map((r) => r.keyedHash), 'text'],
    [records.map((r) => r.sizeBytes), 'int'], [records.map((r) => r.contentOffset), 'int'],
  ]);
  await client.query(
    `INSERT INTO protected_record (type, id, version_id, message_id, subject_key, data_key_id, cid, content_hash, keyed_hash, size_bytes, content_offset, created_at)
     SELECT type, id, version_id, message_id, subject_key, data_key_id, cid, content_hash, keyed_hash, size_bytes, content_offset, $12
     FROM unnest(${c.sql.join(', ')}) AS v(type, id, version_id, message_id, subject_key, data_key_id, cid, content_hash, keyed_hash, size_bytes, content_offset)
     ON CONFLICT (type, id, version_id) DO NOTHING`,
    [...c.params, now],
  );
}

/**
 * Claims the next batch under a transaction-scoped advisory lock, so processes claiming at
 * once queue up and the second then sees the first one's pending batch. Proofs travel as ONE
 * bytea parameter (node-postgres sends a Buffer in binary), each row taking its slice by
 * offset and length: hex or bytea[] text for 50,000 proofs (~50 MB) cost more in encoding,
 * and in planning (the planner folds constant arrays), than the UPDATE itself.
 */
export async function claimBatchOnPostgres(sql: SqlRunner, input: ClaimBatchInput, maxLeaves: number): Promise<AnchorBatchRow | undefined> {
  return sql.pgTransaction(async (client) => {
    await client.query('SELECT pg_advisory_xact_lock($1)', [CLAIM_LOCK_KEY]);
    const gate = await client.query<{ pending: boolean; newest: Date | null }>(
      `SELECT EXISTS (SELECT 1 FROM anchor_batch WHERE status = 'pending') AS pending, (SELECT anchored_at FROM anchor_batch WHERE status = 'anchored' ORDER BY created_at DESC LIMIT 1) AS newest`,
    );
    const { pending, newest } = gate.rows[0]!;
    if (pending) return undefined;
    if (newest !== null && newest.getTime() > input.now.getTime() - input.minIntervalMillis) return undefined;
    const selected = await client.query<{ type: string; id: string; version_id: number; keyed_hash: string }>(
      `SELECT type, id, version_id, keyed_hash FROM protected_record WHERE batch_id IS NULL
       ORDER BY created_at, type, id, version_id LIMIT $1`,
      [maxLeaves],
    );
    const leaves = selected.rows;
    if (leaves.length === 0) return undefined;
    const tree = input.build(leaves.map((l) => ({ keyedHash: l.keyed_hash })));
    validateTree(tree, leaves.length);
    await client.query(
      `INSERT INTO anchor_batch (id, root, leaf_count, status, ledger, created_at, attempts) VALUES ($1, $2, $3, 'pending', $4, $5, 0)`,
      [input.batchId, tree.root, leaves.length, input.ledger, input.now],
    );
    const offsets: number[] = [];
    let offset = 1; // substring() counts from 1
    for (const proof of tree.proofs) {
      offsets.push(offset);
      offset += proof.length;
    }
    const c = pgColumns(
      [
        [leaves.map((l) => l.type), 'text'], [leaves.map((l) => l.id), 'text'], [leaves.map((l) => l.version_id), 'int'],
        [leaves.map((_, i) => i), 'int'], [offsets, 'int'], [tree.proofs.map((p) => p.length), 'int'],
      ],
      3,
    );
    await client.query(
      `UPDATE protected_record p SET batch_id = $1, leaf_index = v.leaf_index, proof = substring($2::bytea FROM v.proof_at FOR v.proof_length)
       FROM unnest(${c.sql.join(', ')}) AS v(type, id, version_id, leaf_index, proof_at, proof_length)
       WHERE p.type = v.type AND p.id = v.id AND p.version_id = v.version_id`,
      [input.batchId, Buffer.concat(tree.proofs), ...c.params],
    );
    return { id: input.batchId, root: tree.root, leafCount: leaves.length, status: 'pending', ledger: input.ledger, createdAt: input.now, attempts: 0 };
  });
}

/**
 * Anchors a batch (only if pending), then every `stored` message with a record in it whose
 * records are all in anchored batches now. Updating the batch row first holds its lock, which
 * a concurrent recordProtection waits on (see there).
 */
export async function markBatchAnchoredOnPostgres(sql: SqlRunner, batchId: string, receipt: AnchorReceipt, now: Date): Promise<number> {
  return sql.pgTransaction(async (client) => {
    await client.query(
      `UPDATE anchor_batch SET status = 'anchored', tx_hash = $2, block_number = $3, anchored_at = $4 WHERE id = $1 AND status = 'pending'`,
      [batchId, receipt.txHash, receipt.blockNumber, receipt.at],
    );
    const moved = await client.query(
      `UPDATE message m SET status = 'anchored', updated_at = $2
       WHERE m.status = 'stored' AND m.id IN (SELECT p.message_id FROM protected_record p WHERE p.batch_id = $1)
         AND NOT EXISTS (
           SELECT 1 FROM protected_record q LEFT JOIN anchor_batch b ON b.id = q.batch_id
           WHERE q.message_id = m.id AND (q.batch_id IS NULL OR b.status IS DISTINCT FROM 'anchored'))`,
      [batchId, now],
    );
    return moved.rowCount ?? 0;
  });
}
