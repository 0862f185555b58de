import { HieError } from '@hie/common';

/**
 * The ledger cannot be reached or cannot take the write now (RPC down, timeouts, database busy,
 * signer not yet authorised or out of funds). Nothing was written: the pipeline keeps the batch
 * pending and retries with backoff. `details.reason` says which (no PHI).
 */
export class LedgerUnavailableError extends HieError {
  constructor(message: string, details: Readonly<Record<string, unknown>> = {}, options?: { cause?: unknown }) {
    super('LEDGER_UNAVAILABLE', message, details);
    if (options?.cause !== undefined) this.cause = options.cause;
  }
}

/** The id is already on the ledger with other content (another root, subject, grantee...). */
export class LedgerConflictError extends HieError {
  constructor(message: string, details: Readonly<Record<string, unknown>> = {}) {
    super('LEDGER_CONFLICT', message, details);
  }
}

/** What the ledger holds fails verification (altered entry, broken chain, missing log, wrong contract). */
export class LedgerIntegrityError extends HieError {
  constructor(message: string, details: Readonly<Record<string, unknown>> = {}) {
    super('LEDGER_INTEGRITY', message, details);
  }
}

/**
 * Thrown by a LedgerEntryStore when the seq (or kind + entryKey) of an appended row exists:
 * another writer appended first. The embedded ledger re-reads and retries. It recognises the
 * code `LEDGER_SEQ_TAKEN` on any HieError, so a store that cannot import this class need not.
 */
export class LedgerSeqTakenError extends HieError {
  constructor(message = 'ledger entry seq or key already taken', details: Readonly<Record<string, unknown>> = {}) {
    super('LEDGER_SEQ_TAKEN', message, details);
  }
}
