import { HieError } from '@hie/common';

/** The embedded ledger's entry kinds. */
export type LedgerEntryKind = 'anchor' | 'consent' | 'erasure';

/** The kinds, for validation. */
export const LEDGER_ENTRY_KINDS: readonly LedgerEntryKind[] = ['anchor', 'consent', 'erasure'];

/**
 * One entry of the embedded ledger: hash-chained (prevHash → entryHash) and signed. Same shape
 * as the ledger lib's port (which the store may not import).
 */
export interface LedgerEntryRow {
  seq: number;
  kind: LedgerEntryKind;
  /** Unique per kind (e.g. a batch id); at most 80 characters, no PHI. */
  entryKey: string;
  payload: string;
  prevHash: string;
  entryHash: string;
  signature: string;
  createdAt: Date;
}

/**
 * An append lost: the sequence number, or the (kind, entryKey), is taken. The ledger lib checks
 * `code` (`LEDGER_SEQ_TAKEN`), rereads the chain's end and retries or reports the duplicate.
 */
export class LedgerSeqTakenStoreError extends HieError {
  constructor(details: { seq: number; kind: string }) {
    super('LEDGER_SEQ_TAKEN', 'The ledger sequence number or entry key is already taken', details);
  }
}
