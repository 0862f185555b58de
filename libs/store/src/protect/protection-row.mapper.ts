import { readDate } from '../sql/sql-runner.js';
import type { AnchorBatchRow, ProtectedRecordView } from './protection.model.js';

/** An `anchor_batch` row as either driver returns it (bigint as string on PostgreSQL). */
export interface AnchorBatchDbRow {
  id: string;
  root: string;
  leaf_count: number | string;
  status: string;
  ledger: string;
  tx_hash: string | null;
  block_number: number | string | null;
  created_at: unknown;
  anchored_at: unknown;
  attempts: number | string;
  last_error: string | null;
}

/** Columns of {@link AnchorBatchDbRow}, for SELECTs. */
export const BATCH_COLUMNS = 'id, root, leaf_count, status, ledger, tx_hash, block_number, created_at, anchored_at, attempts, last_error';

/** Maps a batch row. */
export function toAnchorBatch(row: AnchorBatchDbRow): AnchorBatchRow {
  const batch: AnchorBatchRow = {
    id: row.id,
    root: row.root,
    leafCount: Number(row.leaf_count),
    status: row.status === 'anchored' ? 'anchored' : 'pending',
    ledger: row.ledger,
    createdAt: readDate(row.created_at),
    attempts: Number(row.attempts),
  };
  if (row.tx_hash !== null) batch.txHash = row.tx_hash;
  if (row.block_number !== null) batch.blockNumber = Number(row.block_number);
  if (row.anchored_at !== null && row.anchored_at !== undefined) batch.anchoredAt = readDate(row.anchored_at);
  if (row.last_error !== null) batch.lastError = row.last_error;
  return batch;
}

/** A `protected_record` row joined with its batch's columns prefixed `b_`. */
export interface RecordViewDbRow {
  type: string;
  id: string;
  version_id: number | string;
  message_id: string;
  subject_key: string;
  data_key_id: string;
  cid: string;
  content_hash: string;
  keyed_hash: string;
  size_bytes: number | string;
  content_offset: number | string;
  created_at: unknown;
  batch_id: string | null;
  leaf_index: number | string | null;
  proof: Buffer | Uint8Array | null;
  [batchColumn: `b_${string}`]: unknown;
}

/** Maps a record joined with its batch. */
export function toRecordView(row: RecordViewDbRow): ProtectedRecordView {
  const view: ProtectedRecordView = {
    type: row.type,
    id: row.id,
    versionId: Number(row.version_id),
    messageId: row.message_id,
    subjectKey: row.subject_key,
    dataKeyId: row.data_key_id,
    cid: row.cid,
    contentHash: row.content_hash,
    keyedHash: row.keyed_hash,
    sizeBytes: Number(row.size_bytes),
    contentOffset: Number(row.content_offset),
    createdAt: readDate(row.created_at),
  };
  if (row.leaf_index !== null) view.leafIndex = Number(row.leaf_index);
  if (row.proof !== null) view.proof = Buffer.isBuffer(row.proof) ? row.proof : Buffer.from(row.proof);
  if (row.batch_id !== null && row['b_id'] !== null && row['b_id'] !== undefined) {
    const batch = Object.fromEntries(BATCH_COLUMNS.split(', ').map((c) => [c, row[`b_${c}`]])) as unknown as AnchorBatchDbRow;
    view.batch = toAnchorBatch(batch);
  }
  return view;
}
