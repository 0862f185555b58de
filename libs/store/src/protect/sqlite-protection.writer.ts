import { isUuid } from '../sql/batching.js';
import { sqliteDate } from '../sql/sql-runner.js';
import type { SqlRunner } from '../sql/sql-runner.js';
import type { AnchorBatchRow, AnchorReceipt, ClaimBatchInput, NewProtectedRecord, ProtectionResult } from './protection.model.js';
import { protectionVerdict, validateTree } from './protection.validator.js';

/**
 * The SQLite writes of ProtectionRepository. Each runs synchronously in one `BEGIN IMMEDIATE`
 * transaction: SQLite has one writer, so nothing can interleave (the locks the PostgreSQL
 * writer takes have no counterpart here) and prepared statements make per-row work cheap.
 */

/** See recordProtectionOnPostgres: same rules. */
export function recordProtectionOnSqlite(
  sql: SqlRunner, records: readonly NewProtectedRecord[], messageIds: readonly string[], now: Date,
): ProtectionResult {
  const db = sql.sqlite;
  const at = sqliteDate(now);
  const ids = [...new Set(messageIds.filter(isUuid))];
  return db.transaction(() => {
    const insert = db.stmt(
      `INSERT INTO protected_record (type, id, version_id, message_id, subject_key, data_key_id, cid, content_hash, keyed_hash, size_bytes, content_offset, created_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (type, id, version_id) DO NOTHING`,
    );
    for (const r of records) {
      insert.run(r.type, r.id, r.versionId, r.messageId, r.subjectKey, r.dataKeyId, r.cid, r.contentHash, r.keyedHash, r.sizeBytes, r.contentOffset, at);
    }
    const result: ProtectionResult = { stored: [], anchored: [] };
    if (ids.length === 0) return result;
    const stats = db.stmt(
      `SELECT m.id, count(h.version_id) AS versions, count(p.version_id) AS protected,
         (SELECT count(*) FROM protected_record q LEFT JOIN anchor_batch qb ON qb.id = q.batch_id
          WHERE q.message_id = m.id AND (qb.status IS NULL OR qb.status <> 'anchored')) AS unanchored
       FROM message m
       LEFT JOIN fhir_resource_history h ON h.message_id = m.id
       LEFT JOIN protected_record p ON p.type = h.type AND p.id = h.id AND p.version_id = h.version_id
       WHERE m.id IN (SELECT value FROM json_each(?)) AND m.status = 'converted'
       GROUP BY m.id`,
    ).all(JSON.stringify(ids)) as { id: string; versions: number; protected: number; unanchored: number | null }[];
    const update = db.stmt(`UPDATE message SET status = ?, updated_at = ? WHERE id = ?`);
    for (const row of stats) {
      const status = protectionVerdict({ versions: row.versions, protected: row.protected, unanchored: row.unanchored ?? 0 });
      if (!status) continue;
      update.run(status, at, row.id);
      result[status].push(row.id);
    }
    return result;
  });
}

/** See claimBatchOnPostgres: same rules; SQLite's single writer is the serialisation. */
export function claimBatchOnSqlite(sql: SqlRunner, input: ClaimBatchInput, maxLeaves: number): AnchorBatchRow | undefined {
  const db = sql.sqlite;
  return db.transaction(() => {
    if (db.stmt(`SELECT 1 AS ok FROM anchor_batch WHERE status = 'pending' LIMIT 1`).get() !== undefined) return undefined;
    const newest = db.stmt(`SELECT anchored_at AS at FROM anchor_batch WHERE status = 'anchored' ORDER BY created_at DESC LIMIT 1`).get() as
      | { at: string | null }
      | undefined;
    if (newest && newest.at !== null && newest.at > sqliteDate(new Date(input.now.getTime() - input.minIntervalMillis))) return undefined;
    const leaves = db.stmt(
      `SELECT type, id, version_id, keyed_hash FROM protected_record WHERE batch_id IS NULL
       ORDER BY created_at, type, id, version_id LIMIT ?`,
    ).all(maxLeaves) as { type: string; id: string; version_id: number; keyed_hash: string }[];
    if (leaves.length === 0) return undefined;
    const tree = input.build(leaves.map((l) => ({ keyedHash: l.keyed_hash })));
    validateTree(tree, leaves.length);
    db.stmt(
      `INSERT INTO anchor_batch (id, root, leaf_count, status, ledger, created_at, attempts) VALUES (?, ?, ?, 'pending', ?, ?, 0)`,
    ).run(input.batchId, tree.root, leaves.length, input.ledger, sqliteDate(input.now));
    const assign = db.stmt(`UPDATE protected_record SET batch_id = ?, leaf_index = ?, proof = ? WHERE type = ? AND id = ? AND version_id = ?`);
    leaves.forEach((l, i) => assign.run(input.batchId, i, tree.proofs[i], l.type, l.id, l.version_id));
    const batch: AnchorBatchRow = {
      id: input.batchId, root: tree.root, leafCount: leaves.length, status: 'pending', ledger: input.ledger, createdAt: input.now, attempts: 0,
    };
    return batch;
  });
}

/** See markBatchAnchoredOnPostgres: same rules. */
export function markBatchAnchoredOnSqlite(sql: SqlRunner, batchId: string, receipt: AnchorReceipt, now: Date): number {
  const db = sql.sqlite;
  return db.transaction(() => {
    db.stmt(
      `UPDATE anchor_batch SET status = 'anchored', tx_hash = ?, block_number = ?, anchored_at = ? WHERE id = ? AND status = 'pending'`,
    ).run(receipt.txHash, receipt.blockNumber, sqliteDate(receipt.at), batchId);
    return db.stmt(
      `UPDATE message SET status = 'anchored', updated_at = ?
       WHERE status = 'stored' AND id IN (SELECT p.message_id FROM protected_record p WHERE p.batch_id = ?)
         AND NOT EXISTS (
           SELECT 1 FROM protected_record q LEFT JOIN anchor_batch b ON b.id = q.batch_id
           WHERE q.message_id = message.id AND (q.batch_id IS NULL OR b.status IS NOT 'anchored'))`,
    ).run(sqliteDate(now), batchId).changes;
  });
}
