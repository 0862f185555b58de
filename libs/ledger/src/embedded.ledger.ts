import { randomInt, sign, verify, type KeyObject } from 'node:crypto';
import { HieError, InvalidInputError } from '@hie/common';
import { LedgerConflictError, LedgerIntegrityError, LedgerSeqTakenError, LedgerUnavailableError } from './ledger.errors.js';
import { GENESIS_PREV_HASH, computeEntryHash } from './ledger-entry.hash.js';
import {
  anchorPayload,
  consentEntryKey,
  consentPayload,
  consentVersion,
  erasurePayload,
  parsePayload,
} from './ledger-entry.payload.js';
import type { LedgerEntryKind, LedgerEntryRow, LedgerEntryStore } from './ledger-entry.store.js';
import { checkAnchorRequest, checkConsentEntry, checkErasureEntry, checkHex32, checkUuid, sameConsent, sameConsentParties } from './ledger-input.checks.js';
import type { AnchorRecord, AnchorRequest, ConsentEntry, ErasureEntry, Hex32, Ledger, LedgerReceipt } from './ledger.port.js';
import { SerialQueue } from './serial.queue.js';

/** Ed25519 key pair of the ledger (from the keyring). */
export interface EmbeddedLedgerKeys {
  privateKey: KeyObject;
  publicKey: KeyObject;
}

/** Tuning of the embedded ledger (defaults suit one engine database). */
export interface EmbeddedLedgerOptions {
  /** Appends tried when other processes keep taking the next seq (default 20). */
  maxAppendAttempts?: number;
  /** Rows read per page by verifyChain (default 500). */
  pageSize?: number;
}

/** Result of checking one entry: ok, or the first reason it fails. */
export type EntryCheck = { ok: true } | { ok: false; reason: string };
/** Result of checking the whole chain: how many entries are sound, or the first seq that is not and why. */
export type ChainCheck = { ok: true; entries: number } | { ok: false; seq: number; reason: string };

/** What an append step decided: the ledger already holds the answer, or a new entry to append. */
type AppendPlan<R> =
  | { existing: R }
  | { kind: LedgerEntryKind; entryKey: string; payload: string; result: (row: LedgerEntryRow) => R };

const receiptOf = (row: LedgerEntryRow): LedgerReceipt => ({
  txHash: row.entryHash,
  blockNumber: row.seq,
  at: new Date(row.createdAt.getTime()),
});

/**
 * The embedded ledger: append-only, hash-chained, Ed25519-signed entries in the engine's own
 * database (through LedgerEntryStore). Each entry links to the previous one's hash and is signed,
 * so an altered, removed or reordered row is found by verifyChain (and by the finders, which
 * verify what they return). Truncation of the newest rows is not visible from the table alone:
 * the EVM driver, or an exported head hash, is the answer to that.
 */
export class EmbeddedLedger implements Ledger {
  readonly kind = 'embedded' as const;
  private readonly writes = new SerialQueue();
  private readonly maxAppendAttempts: number;
  private readonly pageSize: number;
  private closed = false;

  constructor(
    private readonly store: LedgerEntryStore,
    private readonly keys: EmbeddedLedgerKeys,
    options: EmbeddedLedgerOptions = {},
  ) {
    if (keys.privateKey.asymmetricKeyType !== 'ed25519' || keys.publicKey.asymmetricKeyType !== 'ed25519') {
      throw new InvalidInputError('LEDGER_KEY', 'The embedded ledger needs an Ed25519 key pair');
    }
    // A mismatched pair would sign entries that never verify: refuse it at start, not at audit.
    const probe = Buffer.from('hie-ledger-key-check');
    if (!verify(null, probe, keys.publicKey, sign(null, probe, keys.privateKey))) {
      throw new InvalidInputError('LEDGER_KEY', 'The embedded ledger keys are not one pair');
    }
    this.maxAppendAttempts = options.maxAppendAttempts ?? 20;
    this.pageSize = options.pageSize ?? 500;
  }

  async anchor(request: AnchorRequest): Promise<AnchorRecord> {
    const checked = checkAnchorRequest(request);
    return this.append<AnchorRecord>(async () => {
      const existing = await this.findAnchor(checked.batchId);
      if (existing) {
        if (existing.root !== checked.root || existing.leafCount !== checked.leafCount) {
          throw new LedgerConflictError('batch already anchored with another root', { batchId: checked.batchId });
        }
        return { existing };
      }
      return {
        kind: 'anchor',
        entryKey: checked.batchId,
        payload: anchorPayload(checked),
        result: (row) => ({ ...checked, ...receiptOf(row) }),
      };
    });
  }

  async findAnchor(batchId: string): Promise<AnchorRecord | undefined> {
    const key = checkUuid('batchId', batchId);
    const row = await this.read(() => this.store.findByKey('anchor', key));
    if (!row) return undefined;
    return { ...this.trusted(row, 'anchor'), ...receiptOf(row) };
  }

  async recordConsent(entry: ConsentEntry): Promise<LedgerReceipt> {
    const checked = checkConsentEntry(entry);
    return this.append<LedgerReceipt>(async () => {
      const latest = await this.latestConsent(checked.consentId);
      if (latest) {
        const held = this.trusted(latest, 'consent');
        if (!sameConsentParties(held, checked)) {
          throw new LedgerConflictError('consent already recorded for another subject, grantee or scope', { consentId: checked.consentId });
        }
        if (sameConsent(held, checked)) return { existing: receiptOf(latest) };
      }
      const version = latest ? consentVersion(latest.entryKey) + 1 : 1;
      return { kind: 'consent', entryKey: consentEntryKey(checked.consentId, version), payload: consentPayload(checked), result: receiptOf };
    });
  }

  async findConsent(consentId: Hex32): Promise<(ConsentEntry & LedgerReceipt) | undefined> {
    const row = await this.latestConsent(checkHex32('consentId', consentId, true));
    if (!row) return undefined;
    return { ...this.trusted(row, 'consent'), ...receiptOf(row) };
  }

  async recordErasure(entry: ErasureEntry): Promise<LedgerReceipt> {
    const checked = checkErasureEntry(entry);
    return this.append<LedgerReceipt>(async () => {
      const row = await this.read(() => this.store.findByKey('erasure', checked.erasureId));
      if (row) {
        if (this.trusted(row, 'erasure').subject !== checked.subject) {
          throw new LedgerConflictError('erasure already recorded for another subject', { erasureId: checked.erasureId });
        }
        return { existing: receiptOf(row) };
      }
      return { kind: 'erasure', entryKey: checked.erasureId, payload: erasurePayload(checked), result: receiptOf };
    });
  }

  /** Hash recomputed, link to `prev` (when given, or genesis for seq 1), signature, payload shape. */
  verifyEntry(row: LedgerEntryRow, prev?: LedgerEntryRow): EntryCheck {
    if (!Number.isSafeInteger(row.seq) || row.seq < 1) return { ok: false, reason: 'seq is not a positive integer' };
    if (prev && row.seq !== prev.seq + 1) return { ok: false, reason: `seq does not follow ${prev.seq}` };
    if (prev && row.prevHash !== prev.entryHash) return { ok: false, reason: 'prevHash does not link to the previous entry' };
    if (!prev && row.seq === 1 && row.prevHash !== GENESIS_PREV_HASH) return { ok: false, reason: 'first entry does not start the chain' };
    if (!(row.createdAt instanceof Date) || Number.isNaN(row.createdAt.getTime())) return { ok: false, reason: 'createdAt is not a date' };
    if (!/^[0-9a-f]{64}$/.test(row.prevHash)) return { ok: false, reason: 'prevHash is not 64 hex' };
    if (computeEntryHash(row) !== row.entryHash) return { ok: false, reason: 'entryHash does not match the entry' };
    if (!verify(null, Buffer.from(row.entryHash, 'hex'), this.keys.publicKey, Buffer.from(row.signature, 'base64'))) {
      return { ok: false, reason: 'signature does not verify' };
    }
    try {
      parsePayload(row);
    } catch (error) {
      return { ok: false, reason: error instanceof LedgerIntegrityError ? String(error.details.reason) : 'payload invalid' };
    }
    return { ok: true };
  }

  /** Walks every entry in pages from seq 1: numbering, links, hashes, signatures, payloads. */
  async verifyChain(): Promise<ChainCheck> {
    let prev: LedgerEntryRow | undefined;
    let entries = 0;
    for (;;) {
      const page = await this.read(() => this.store.scan(prev?.seq ?? 0, this.pageSize));
      for (const row of page) {
        if (!prev && row.seq !== 1) return { ok: false, seq: row.seq, reason: 'chain does not start at seq 1' };
        const check = this.verifyEntry(row, prev);
        if (!check.ok) return { ok: false, seq: row.seq, reason: check.reason };
        prev = row;
        entries++;
      }
      if (page.length < this.pageSize) return { ok: true, entries };
    }
  }

  async close(): Promise<void> {
    // The store belongs to the caller (the engine's database): nothing to release here.
    this.closed = true;
  }

  private latestConsent(consentId: string): Promise<LedgerEntryRow | undefined> {
    return this.read(() => this.store.findLatestByPrefix('consent', `${consentId}#`));
  }

  /** The row's fields after verifying its hash and signature; LedgerIntegrityError if altered. */
  private trusted(row: LedgerEntryRow, kind: 'anchor'): AnchorRequest;
  private trusted(row: LedgerEntryRow, kind: 'consent'): ConsentEntry;
  private trusted(row: LedgerEntryRow, kind: 'erasure'): ErasureEntry;
  private trusted(row: LedgerEntryRow, kind: LedgerEntryKind): AnchorRequest | ConsentEntry | ErasureEntry {
    const check = this.verifyEntry(row);
    if (!check.ok) throw new LedgerIntegrityError(`ledger entry ${row.seq} fails verification: ${check.reason}`, { seq: row.seq, reason: check.reason });
    if (row.kind !== kind) throw new LedgerIntegrityError(`ledger entry ${row.seq} has kind ${row.kind}, not ${kind}`, { seq: row.seq });
    return parsePayload(row);
  }

  /**
   * Appends what `plan` decides, as the entry after the current last one. When another process
   * took that seq (or the key) first, re-plans from fresh reads: the other entry may be this very
   * anchoring, which then is returned instead of written twice.
   */
  private append<R>(plan: () => Promise<AppendPlan<R>>): Promise<R> {
    if (this.closed) return Promise.reject(new LedgerUnavailableError('embedded ledger is closed', { reason: 'closed' }));
    return this.writes.run(async () => {
      for (let attempt = 1; ; attempt++) {
        const step = await plan();
        if ('existing' in step) return step.existing;
        const last = await this.read(() => this.store.last());
        if (last) {
          // Never extend a chain whose head was altered: the new entry would vouch for it.
          const check = this.verifyEntry(last);
          if (!check.ok) throw new LedgerIntegrityError(`ledger head ${last.seq} fails verification: ${check.reason}`, { seq: last.seq, reason: check.reason });
        }
        const row = this.seal({
          seq: (last?.seq ?? 0) + 1,
          kind: step.kind,
          entryKey: step.entryKey,
          payload: step.payload,
          prevHash: last?.entryHash ?? GENESIS_PREV_HASH,
          // Never before the previous entry, even if the wall clock stepped back.
          createdAt: new Date(Math.max(Date.now(), last?.createdAt.getTime() ?? 0)),
        });
        try {
          await this.store.append(row);
          return step.result(row);
        } catch (error) {
          if (!isSeqTaken(error)) throw unavailable(error);
          if (attempt >= this.maxAppendAttempts) {
            throw new LedgerUnavailableError('ledger busy: other writers kept taking the next entry', { reason: 'busy', attempts: attempt });
          }
          // Jittered, growing pause so competing processes stop colliding.
          await new Promise((resolve) => setTimeout(resolve, randomInt(1, 2 + Math.min(attempt, 8) * 4)));
        }
      }
    });
  }

  private seal(row: Omit<LedgerEntryRow, 'entryHash' | 'signature'>): LedgerEntryRow {
    const entryHash = computeEntryHash(row);
    const signature = sign(null, Buffer.from(entryHash, 'hex'), this.keys.privateKey).toString('base64');
    return { ...row, entryHash, signature };
  }

  private async read<T>(query: () => Promise<T>): Promise<T> {
    if (this.closed) throw new LedgerUnavailableError('embedded ledger is closed', { reason: 'closed' });
    try {
      return await query();
    } catch (error) {
      throw unavailable(error);
    }
  }
}

/**
 * By code, not class: the engine's store lives in the same layer as this lib and cannot import
 * LedgerSeqTakenError, so it throws its own HieError with the same code.
 */
function isSeqTaken(error: unknown): boolean {
  return error instanceof LedgerSeqTakenError || (error instanceof HieError && error.code === 'LEDGER_SEQ_TAKEN');
}

/** Store failures (database down, busy, timeouts) become LedgerUnavailableError; our own errors pass. */
function unavailable(error: unknown): HieError {
  if (error instanceof HieError) return error;
  return new LedgerUnavailableError('ledger store unavailable', { reason: 'store' }, { cause: error });
}
