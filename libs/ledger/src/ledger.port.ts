/** 64 lowercase hex chars (32 bytes), no 0x. */
export type Hex32 = string;

/** One batch of record hashes to anchor: its Merkle root and how many leaves it covers. */
export interface AnchorRequest {
  /** uuid (any case accepted; records carry it lowercase) */
  batchId: string;
  root: Hex32;
  leafCount: number;
}

/** Where and when the ledger took an entry. */
export interface LedgerReceipt {
  /** embedded: the entry's hash (64 hex); EVM: the transaction hash (0x + 64 hex). */
  txHash: string;
  /** embedded: the entry's seq; EVM: the block number. */
  blockNumber: number;
  /** embedded: the entry's createdAt; EVM: the block's timestamp (whole seconds). */
  at: Date;
}

/** An anchored batch as the ledger holds it. */
export interface AnchorRecord extends AnchorRequest, LedgerReceipt {}

/** A consent as the ledger holds it: pseudonyms and hashes only, no PHI. */
export interface ConsentEntry {
  consentId: Hex32;
  /** patient pseudonym */
  subject: Hex32;
  grantee: Hex32;
  scopeHash: Hex32;
  periodStart: Date;
  /** absent: open-ended */
  periodEnd?: Date;
  status: 'active' | 'revoked';
}

/** A crypto-shredding (patient erasure): the subject pseudonym and the time, nothing else. */
export interface ErasureEntry {
  /** uuid */
  erasureId: string;
  subject: Hex32;
  at: Date;
}

/**
 * The chain adapter: anchors batch roots, records consents and erasures. Drivers: the embedded
 * signed ledger (default) and an EVM contract. Every write is idempotent on its id, so the
 * pipeline can resend after a crash or an unavailability without ever writing twice.
 */
export interface Ledger {
  readonly kind: 'embedded' | 'evm';
  /** Anchors a batch root. Idempotent per batchId: a repeat returns the existing record (never a second
   *  anchoring); the same batchId with another root → LedgerConflictError. */
  anchor(request: AnchorRequest): Promise<AnchorRecord>;
  findAnchor(batchId: string): Promise<AnchorRecord | undefined>;
  /** Records (or updates the status/period of) a consent; every change is a new ledger entry/tx.
   *  Recording the state the ledger already holds returns its receipt (no new entry); another
   *  subject, grantee or scope under the same consentId → LedgerConflictError. */
  recordConsent(entry: ConsentEntry): Promise<LedgerReceipt>;
  findConsent(consentId: Hex32): Promise<(ConsentEntry & LedgerReceipt) | undefined>;
  /** Records a crypto-shredding (patient erasure): subject pseudonym + time only. Idempotent per
   *  erasureId (the first record stands); another subject under the same id → LedgerConflictError. */
  recordErasure(entry: ErasureEntry): Promise<LedgerReceipt>;
  close(): Promise<void>;
}
