import type {
  AnchorBatchRow,
  ClaimBatchInput,
  DataKeyRow,
  EraseSubjectInput,
  EraseSubjectResult,
  ErasureRow,
  NewDataKey,
  NewProtectedRecord,
  ProtectedRecordView,
  ProtectionResult,
  VersionToProtect,
} from '@hie/store';

/**
 * The slices of the store the protect-and-anchor stages use, in the store's own types, so the
 * real repositories plug in as they are and the stage tests can pass small in-memory fakes.
 */

export type { VersionToProtect, ProtectedRecordView };

/** What the protect stage records for one resource version: no PHI (hashes, ids, a CID). */
export type ProtectedRecordInput = NewProtectedRecord;

/** An anchoring batch as the store holds it. */
export type AnchorBatchView = AnchorBatchRow;

/** A data key row. `wrappedKey` null: destroyed by an erasure. */
export type DataKeyView = DataKeyRow;

/** Protect-stage store operations. */
export interface ProtectionStorePort {
  versionsToProtect(messageIds: readonly string[]): Promise<VersionToProtect[]>;
  recordProtection(records: readonly ProtectedRecordInput[], messageIds: readonly string[]): Promise<ProtectionResult>;
  findConvertedBefore(cutoff: Date, limit: number): Promise<string[]>;
}

/** Anchor-stage store operations. */
export interface AnchorStorePort {
  claimBatch(input: ClaimBatchInput): Promise<AnchorBatchView | undefined>;
  pendingBatches(): Promise<AnchorBatchView[]>;
  markBatchAnchored(batchId: string, receipt: { txHash: string; blockNumber: number; at: Date }): Promise<{ messagesAnchored: number }>;
  markBatchAttempt(batchId: string, errorCode: string): Promise<void>;
}

/** Data-key store operations. */
export interface DataKeyStorePort {
  findActiveMany(subjectKeys: readonly string[]): Promise<DataKeyView[]>;
  insertManyIfAbsent(rows: readonly NewDataKey[]): Promise<DataKeyView[]>;
  findById(id: string): Promise<DataKeyView | undefined>;
  listNotUnderKek(kekId: string, limit: number): Promise<DataKeyView[]>;
  rewrap(id: string, fromKekId: string, kekId: string, wrappedKey: Buffer): Promise<boolean>;
  destroySubject(subjectKey: string, at: Date): Promise<number>;
}

/** Erasure store operations. */
export interface ErasureStorePort {
  eraseSubject(input: EraseSubjectInput): Promise<EraseSubjectResult>;
  recordErasure(row: ErasureRow): Promise<void>;
}
