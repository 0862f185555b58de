import type { Hex32 } from './ledger.port.js';

/** The kinds of entry the embedded ledger appends. */
export type LedgerEntryKind = 'anchor' | 'consent' | 'erasure';

/**
 * One row of the embedded ledger's table. The lead's libs/store implements the table on
 * PostgreSQL and SQLite with exactly these columns; unique on `seq` and on (`kind`, `entryKey`).
 */
export interface LedgerEntryRow {
  /** 1, 2, 3, ... no gaps */
  seq: number;
  kind: LedgerEntryKind;
  /** batchId / consentId+'#'+n / erasureId: unique per kind */
  entryKey: string;
  /** canonical JSON (RFC 8785) of the entry's fields (no PHI) */
  payload: string;
  /** entryHash of seq-1; 64 zeros for seq 1 */
  prevHash: Hex32;
  /** SHA-256 over (seq, kind, entryKey, payload, prevHash, createdAt): see computeEntryHash */
  entryHash: Hex32;
  /** base64 Ed25519 signature of the 32 bytes of entryHash */
  signature: string;
  createdAt: Date;
}

/** The embedded ledger's database port (append-only table of LedgerEntryRow). */
export interface LedgerEntryStore {
  /** Inserts; rejects with LedgerSeqTakenError when `seq` (or kind+entryKey) exists (another process appended first: re-read and retry).
   *  Any HieError with code `LEDGER_SEQ_TAKEN` counts (a store in another lib cannot import this one's class). */
  append(row: LedgerEntryRow): Promise<void>;
  last(): Promise<LedgerEntryRow | undefined>;
  findByKey(kind: LedgerEntryRow['kind'], entryKey: string): Promise<LedgerEntryRow | undefined>;
  /** Latest entry of a kind whose entryKey starts with prefix (consent updates). */
  findLatestByPrefix(kind: LedgerEntryRow['kind'], prefix: string): Promise<LedgerEntryRow | undefined>;
  /** Entries with seq > afterSeq in seq order, at most `limit`. */
  scan(afterSeq: number, limit: number): Promise<LedgerEntryRow[]>;
}
