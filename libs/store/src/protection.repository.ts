import type { DataSource } from 'typeorm';
import { InvalidInputError } from '@hie/common';
import { clampInt, isUuid } from './sql/batching.js';
import { inList } from './sql/id-list.js';
import { SqlRunner } from './sql/sql-runner.js';
import { claimBatchOnPostgres, markBatchAnchoredOnPostgres, recordProtectionOnPostgres } from './protect/postgres-protection.writer.js';
import { claimBatchOnSqlite, markBatchAnchoredOnSqlite, recordProtectionOnSqlite } from './protect/sqlite-protection.writer.js';
import { BATCH_COLUMNS, toAnchorBatch, toRecordView } from './protect/protection-row.mapper.js';
import type { AnchorBatchDbRow, RecordViewDbRow } from './protect/protection-row.mapper.js';
import { validateRecords } from './protect/protection.validator.js';
import type {
  AnchorBatchRow, AnchorReceipt, ClaimBatchInput, NewProtectedRecord, ProtectedRecordView, ProtectionResult,
  ProtectionStageCounts, SubjectRecordRef, VersionToProtect,
} from './protect/protection.model.js';

/** An error code as anchor_batch.last_error keeps it: a code, so no message text (or PHI) can get in. */
const ERROR_CODE = /^[A-Za-z0-9_.:-]{1,64}$/;

/**
 * Protect & anchor bookkeeping: which resource versions are protected (CID, hashes), their
 * Merkle batches and where those are anchored, and the message statuses that follow
 * (`converted` → `stored` → `anchored`). Merkle trees are computed by the caller (`build`).
 */
export class ProtectionRepository {
  private readonly sql: SqlRunner;

  constructor(dataSource: DataSource) {
    this.sql = SqlRunner.from(dataSource);
  }

  /** History rows of these messages that are `converted` and not protected yet (one query). */
  async versionsToProtect(messageIds: readonly string[]): Promise<VersionToProtect[]> {
    const ids = [...new Set(messageIds.filter(isUuid))];
    if (ids.length === 0) return [];
    const list = inList(this.sql, 'h.message_id', ids, 'uuid');
    const rows = await this.sql.all<{ message_id: string; type: string; id: string; version_id: number | string; content: string }>(
      `SELECT h.message_id, h.type, h.id, h.version_id, h.content
       FROM fhir_resource_history h JOIN message m ON m.id = h.message_id
       WHERE ${list.clause} AND m.status = 'converted'
         AND NOT EXISTS (SELECT 1 FROM protected_record p WHERE p.type = h.type AND p.id = h.id AND p.version_id = h.version_id)
       ORDER BY h.message_id, h.type, h.id, h.version_id`,
      [list.param],
    );
    return rows.map((r) => ({ messageId: r.message_id, type: r.type, id: r.id, versionId: Number(r.version_id), content: r.content }));
  }

  /**
   * One transaction: inserts the records (a key already recorded keeps its first row: a
   * redelivered job changes nothing), then each of `messageIds` still `converted` moves on:
   * to `anchored` if it wrote no version at all (every PUT a no-op) or if all its versions are
   * already in anchored batches (a reprocessed message); to `stored` if every version it wrote
   * is protected. A partly protected message stays `converted`.
   */
  async recordProtection(records: readonly NewProtectedRecord[], messageIds: readonly string[]): Promise<ProtectionResult> {
    validateRecords(records);
    const now = new Date();
    return this.sql.dialect === 'postgres'
      ? recordProtectionOnPostgres(this.sql, records, messageIds, now)
      : recordProtectionOnSqlite(this.sql, records, messageIds, now);
  }

  /** Messages `converted` since before `cutoff` (recovery re-queues their protection), oldest first. */
  async findConvertedBefore(cutoff: Date, limit: number): Promise<string[]> {
    const rows = await this.sql.all<{ id: string }>(
      `SELECT id FROM message WHERE status = 'converted' AND updated_at < ? ORDER BY received_at LIMIT ${clampInt(limit, 100, 1, 100_000)}`,
      [this.sql.date(cutoff)],
    );
    return rows.map((r) => r.id);
  }

  /**
   * Claims the next batch, in one transaction serialised across processes: none while a batch
   * is pending (finish that first) or until `minIntervalMillis` after the last batch was
   * anchored (its `anchored_at`: so ledger transactions, not just claims, are an interval
   * apart); else up to `maxLeaves` unbatched records (oldest first, then by key)
   * become its leaves, `build` computes root and proofs, and the batch is stored `pending` with
   * each record's batch, leaf index and proof. Undefined when nothing was claimed.
   */
  async claimBatch(input: ClaimBatchInput): Promise<AnchorBatchRow | undefined> {
    if (!isUuid(input.batchId)) throw new InvalidInputError('STORE_BAD_BATCH_ID', 'A batch id must be a uuid');
    if (input.ledger.length === 0 || input.ledger.length > 16) throw new InvalidInputError('STORE_BAD_LEDGER', 'A ledger name has 1 to 16 characters');
    const maxLeaves = clampInt(input.maxLeaves, 1, 1, 1_000_000);
    return this.sql.dialect === 'postgres' ? claimBatchOnPostgres(this.sql, input, maxLeaves) : claimBatchOnSqlite(this.sql, input, maxLeaves);
  }

  /** Batches waiting for their root to be anchored, oldest first. */
  async pendingBatches(): Promise<AnchorBatchRow[]> {
    const rows = await this.sql.all<AnchorBatchDbRow>(
      `SELECT ${BATCH_COLUMNS} FROM anchor_batch WHERE status = 'pending' ORDER BY created_at, id`,
    );
    return rows.map(toAnchorBatch);
  }

  /** A batch by id. */
  async findBatch(batchId: string): Promise<AnchorBatchRow | undefined> {
    if (!isUuid(batchId)) return undefined;
    const rows = await this.sql.all<AnchorBatchDbRow>(`SELECT ${BATCH_COLUMNS} FROM anchor_batch WHERE id = ?`, [batchId]);
    return rows[0] ? toAnchorBatch(rows[0]) : undefined;
  }

  /**
   * One transaction: the batch becomes `anchored` with its receipt (only if still pending, so a
   * repeat changes nothing), then every `stored` message with a record in it, whose records are
   * now all in anchored batches, becomes `anchored`. Returns how many messages moved.
   */
  async markBatchAnchored(batchId: string, receipt: AnchorReceipt): Promise<{ messagesAnchored: number }> {
    if (!isUuid(batchId)) throw new InvalidInputError('STORE_BAD_BATCH_ID', 'A batch id must be a uuid');
    if (receipt.txHash.length === 0 || receipt.txHash.length > 80) throw new InvalidInputError('STORE_BAD_RECEIPT', 'A transaction hash has 1 to 80 characters');
    if (!Number.isSafeInteger(receipt.blockNumber) || receipt.blockNumber < 0) throw new InvalidInputError('STORE_BAD_RECEIPT', 'A block number is a non-negative integer');
    const now = new Date();
    const messagesAnchored =
      this.sql.dialect === 'postgres'
        ? await markBatchAnchoredOnPostgres(this.sql, batchId, receipt, now)
        : markBatchAnchoredOnSqlite(this.sql, batchId, receipt, now);
    return { messagesAnchored };
  }

  /**
   * Counts a failed anchoring attempt and keeps its error code. Only codes (letters, digits,
   * `_.:-`, at most 64) are accepted: free text could carry PHI.
   */
  async markBatchAttempt(batchId: string, errorCode: string): Promise<void> {
    if (!ERROR_CODE.test(errorCode)) throw new InvalidInputError('STORE_BAD_ERROR_CODE', 'last_error keeps an error code, not a message');
    if (!isUuid(batchId)) return;
    await this.sql.run(`UPDATE anchor_batch SET attempts = attempts + 1, last_error = ? WHERE id = ?`, [errorCode, batchId]);
  }

  /** A protected version (the latest protected one when `versionId` is omitted) with its batch and proof. */
  async findRecord(type: string, id: string, versionId?: number): Promise<ProtectedRecordView | undefined> {
    const batchColumns = BATCH_COLUMNS.split(', ').map((c) => `b.${c} AS b_${c}`).join(', ');
    const params: unknown[] = [type, id];
    if (versionId !== undefined) {
      if (!Number.isSafeInteger(versionId) || versionId < 1 || versionId > 2_147_483_647) return undefined;
      params.push(versionId);
    }
    const rows = await this.sql.all<RecordViewDbRow>(
      `SELECT p.type, p.id, p.version_id, p.message_id, p.subject_key, p.data_key_id, p.cid, p.content_hash, p.keyed_hash,
         p.size_bytes, p.content_offset, p.created_at, p.batch_id, p.leaf_index, p.proof, ${batchColumns}
       FROM protected_record p LEFT JOIN anchor_batch b ON b.id = p.batch_id
       WHERE p.type = ? AND p.id = ?${versionId !== undefined ? ' AND p.version_id = ?' : ''}
       ORDER BY p.version_id DESC LIMIT 1`,
      params,
    );
    return rows[0] ? toRecordView(rows[0]) : undefined;
  }

  /** Every protected version of a subject (by key), in key order. */
  async recordsOfSubject(subjectKey: string): Promise<SubjectRecordRef[]> {
    const rows = await this.sql.all<{ type: string; id: string; version_id: number | string; cid: string; message_id: string }>(
      `SELECT type, id, version_id, cid, message_id FROM protected_record WHERE subject_key = ? ORDER BY type, id, version_id`,
      [subjectKey],
    );
    return rows.map((r) => ({ type: r.type, id: r.id, versionId: Number(r.version_id), cid: r.cid, messageId: r.message_id }));
  }

  /**
   * Backlog counts for /health. Cheap: unbatched records are counted on their partial index
   * (as large as the backlog, not the table), batches on their (status, created_at) index.
   */
  async stageCounts(): Promise<ProtectionStageCounts> {
    const rows = await this.sql.all<{ unbatched: number | string; pending: number | string; anchored: number | string }>(
      `SELECT (SELECT COUNT(*) FROM protected_record WHERE batch_id IS NULL) AS unbatched,
              (SELECT COUNT(*) FROM anchor_batch WHERE status = 'pending') AS pending,
              (SELECT COUNT(*) FROM anchor_batch WHERE status = 'anchored') AS anchored`,
    );
    const row = rows[0]!;
    return { unbatchedRecords: Number(row.unbatched), pendingBatches: Number(row.pending), anchoredBatches: Number(row.anchored) };
  }
}
