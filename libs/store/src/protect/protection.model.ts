/** A FHIR resource version a `converted` message wrote that is not protected yet. */
export interface VersionToProtect {
  messageId: string;
  type: string;
  id: string;
  versionId: number;
  /** The stored resource JSON (meta included), as written. */
  content: string;
}

/** What protecting one resource version produced (hashes: 64 lowercase hex chars). */
export interface NewProtectedRecord {
  type: string;
  id: string;
  versionId: number;
  messageId: string;
  /** The patient's keyed subject identifier (no PHI). */
  subjectKey: string;
  dataKeyId: string;
  /**
   * The content-store object holding the ciphertext: the envelopes of one job's versions of one
   * subject are stored together, so the record's envelope is bytes
   * [contentOffset, contentOffset + sizeBytes) of that object.
   */
  cid: string;
  contentOffset: number;
  /** SHA-256 of the canonical JSON. */
  contentHash: string;
  /** The Merkle leaf: a keyed hash, so the chain cannot confirm a guessed record. */
  keyedHash: string;
  /** Size of the record's envelope (not of the whole object). */
  sizeBytes: number;
}

/** Which messages {@link ProtectionRepository.recordProtection} moved on. */
export interface ProtectionResult {
  stored: string[];
  anchored: string[];
}

/** A Merkle batch of keyed hashes and its place on a ledger. */
export interface AnchorBatchRow {
  id: string;
  /** Merkle root, 64 lowercase hex chars. */
  root: string;
  leafCount: number;
  status: 'pending' | 'anchored';
  /** Which ledger driver anchors it (e.g. `embedded`, `evm`). */
  ledger: string;
  txHash?: string;
  blockNumber?: number;
  createdAt: Date;
  anchoredAt?: Date;
  /** Failed anchoring attempts so far. */
  attempts: number;
  /** The last failure's error code (never a message). */
  lastError?: string;
}

/** Input of {@link ProtectionRepository.claimBatch}. */
export interface ClaimBatchInput {
  batchId: string;
  ledger: string;
  maxLeaves: number;
  /** No new batch while the newest one is younger than this: chain load grows with time, not traffic. */
  minIntervalMillis: number;
  now: Date;
  /**
   * Builds the Merkle tree over the leaves, in the order given (leaf i = leaves[i]): its root
   * (64 lowercase hex chars) and one proof per leaf. Pure and synchronous: it runs inside the
   * claiming transaction.
   */
  build: (leaves: readonly { keyedHash: string }[]) => { root: string; proofs: Buffer[] };
}

/** Where a batch's root landed. */
export interface AnchorReceipt {
  txHash: string;
  blockNumber: number;
  at: Date;
}

/** A protected record with its batch and Merkle proof (for verification). */
export type ProtectedRecordView = NewProtectedRecord & {
  createdAt: Date;
  batch?: AnchorBatchRow;
  leafIndex?: number;
  proof?: Buffer;
};

/** A protected version of one subject (erasure unpins its CID). */
export interface SubjectRecordRef {
  type: string;
  id: string;
  versionId: number;
  cid: string;
  messageId: string;
}

/** Backlog of the protect & anchor stages (for /health). */
export interface ProtectionStageCounts {
  unbatchedRecords: number;
  pendingBatches: number;
  anchoredBatches: number;
}
