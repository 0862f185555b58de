import { canonicalJson } from '@hie/fhir';
import { LedgerIntegrityError } from './ledger.errors.js';
import { checkAnchorRequest, checkConsentEntry, checkErasureEntry } from './ledger-input.checks.js';
import type { LedgerEntryKind, LedgerEntryRow } from './ledger-entry.store.js';
import type { AnchorRequest, ConsentEntry, ErasureEntry } from './ledger.port.js';

/*
 * The payload column: canonical JSON (RFC 8785) of an entry's fields, dates as ISO 8601 UTC
 * with milliseconds. Parsing re-runs the input checks, so a row whose payload was altered into
 * something the ledger would never have written fails as an integrity error, not later.
 */

export function anchorPayload(request: AnchorRequest): string {
  return canonicalJson({ batchId: request.batchId, leafCount: request.leafCount, root: request.root });
}

export function consentPayload(entry: ConsentEntry): string {
  return canonicalJson({
    consentId: entry.consentId,
    grantee: entry.grantee,
    periodEnd: entry.periodEnd?.toISOString(),
    periodStart: entry.periodStart.toISOString(),
    scopeHash: entry.scopeHash,
    status: entry.status,
    subject: entry.subject,
  });
}

export function erasurePayload(entry: ErasureEntry): string {
  return canonicalJson({ at: entry.at.toISOString(), erasureId: entry.erasureId, subject: entry.subject });
}

/** `consentId#n`: the n-th recorded state of a consent (n from 1). */
export function consentEntryKey(consentId: string, version: number): string {
  return `${consentId}#${version}`;
}

/** n of a `consentId#n` key. */
export function consentVersion(entryKey: string): number {
  return Number(entryKey.slice(entryKey.lastIndexOf('#') + 1));
}

function fields(row: LedgerEntryRow): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(row.payload);
  } catch {
    throw broken(row, 'payload is not JSON');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw broken(row, 'payload is not an object');
  return value as Record<string, unknown>;
}

function broken(row: LedgerEntryRow, reason: string): LedgerIntegrityError {
  return new LedgerIntegrityError(`ledger entry ${row.seq}: ${reason}`, { seq: row.seq, kind: row.kind, reason });
}

function date(row: LedgerEntryRow, value: unknown): Date {
  if (typeof value !== 'string') throw broken(row, 'payload date missing');
  return new Date(value);
}

/** The fields of a row's payload, checked against its kind and key (LedgerIntegrityError if not). */
export function parsePayload(row: LedgerEntryRow & { kind: 'anchor' }): AnchorRequest;
export function parsePayload(row: LedgerEntryRow & { kind: 'consent' }): ConsentEntry;
export function parsePayload(row: LedgerEntryRow & { kind: 'erasure' }): ErasureEntry;
export function parsePayload(row: LedgerEntryRow): AnchorRequest | ConsentEntry | ErasureEntry;
export function parsePayload(row: LedgerEntryRow): AnchorRequest | ConsentEntry | ErasureEntry {
  const f = fields(row);
  const expect = (payload: string, key: string): void => {
    // Canonical form and key agreement: the payload must be exactly what the ledger writes.
    if (payload !== row.payload) throw broken(row, 'payload is not in canonical form');
    if (key !== row.entryKey) throw broken(row, 'payload does not match entryKey');
  };
  try {
    switch (row.kind as LedgerEntryKind) {
      case 'anchor': {
        const request = checkAnchorRequest(f as unknown as AnchorRequest);
        expect(anchorPayload(request), request.batchId);
        return request;
      }
      case 'consent': {
        const entry = checkConsentEntry({
          ...(f as unknown as ConsentEntry),
          periodStart: date(row, f.periodStart),
          periodEnd: f.periodEnd === undefined ? undefined : date(row, f.periodEnd),
        });
        const version = consentVersion(row.entryKey);
        if (!Number.isSafeInteger(version) || version < 1) throw broken(row, 'consent entryKey has no version');
        expect(consentPayload(entry), consentEntryKey(entry.consentId, version));
        return entry;
      }
      case 'erasure': {
        const entry = checkErasureEntry({ ...(f as unknown as ErasureEntry), at: date(row, f.at) });
        expect(erasurePayload(entry), entry.erasureId);
        return entry;
      }
      default:
        throw broken(row, 'unknown kind');
    }
  } catch (error) {
    if (error instanceof LedgerIntegrityError) throw error;
    throw broken(row, 'payload fields invalid');
  }
}
