import { InvalidInputError } from '@hie/common';
import type { AnchorRequest, ConsentEntry, ErasureEntry, Hex32 } from './ledger.port.js';

const HEX32 = /^[0-9a-f]{64}$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const ZERO32 = '0'.repeat(64);
/** uint32 on the contract. */
const MAX_LEAF_COUNT = 0xffff_ffff;

function invalid(field: string, rule: string): InvalidInputError {
  // Field names and rules only: the values may be pseudonyms, which stay out of errors.
  return new InvalidInputError('LEDGER_INVALID_INPUT', `Ledger input ${field}: ${rule}`, { field, rule });
}

/** 64 lowercase hex chars; `nonZero` where zero is the contract's "absent" marker. */
export function checkHex32(field: string, value: unknown, nonZero = false): Hex32 {
  if (typeof value !== 'string' || !HEX32.test(value)) throw invalid(field, 'must be 64 lowercase hex characters');
  if (nonZero && value === ZERO32) throw invalid(field, 'must not be all zeros');
  return value;
}

/** A uuid, returned lowercase so both drivers key it the same way. */
export function checkUuid(field: string, value: unknown): string {
  if (typeof value !== 'string' || !UUID.test(value)) throw invalid(field, 'must be a uuid');
  return value.toLowerCase();
}

function checkDate(field: string, value: unknown): Date {
  // Unix milliseconds from 1970 on: the contract keeps them as uint64.
  if (!(value instanceof Date) || Number.isNaN(value.getTime()) || value.getTime() < 0) {
    throw invalid(field, 'must be a valid Date from 1970 on');
  }
  return new Date(value.getTime());
}

export function checkAnchorRequest(request: AnchorRequest): AnchorRequest {
  const { leafCount } = request;
  if (!Number.isInteger(leafCount) || leafCount < 1 || leafCount > MAX_LEAF_COUNT) {
    throw invalid('leafCount', `must be an integer from 1 to ${MAX_LEAF_COUNT}`);
  }
  return { batchId: checkUuid('batchId', request.batchId), root: checkHex32('root', request.root, true), leafCount };
}

export function checkConsentEntry(entry: ConsentEntry): ConsentEntry {
  if (entry.status !== 'active' && entry.status !== 'revoked') throw invalid('status', "must be 'active' or 'revoked'");
  const periodStart = checkDate('periodStart', entry.periodStart);
  const checked: ConsentEntry = {
    consentId: checkHex32('consentId', entry.consentId, true),
    subject: checkHex32('subject', entry.subject, true),
    grantee: checkHex32('grantee', entry.grantee),
    scopeHash: checkHex32('scopeHash', entry.scopeHash),
    periodStart,
    status: entry.status,
  };
  if (entry.periodEnd !== undefined) {
    const periodEnd = checkDate('periodEnd', entry.periodEnd);
    // Also keeps 0 free as the contract's "open-ended" marker.
    if (periodEnd.getTime() <= periodStart.getTime()) throw invalid('periodEnd', 'must be after periodStart');
    checked.periodEnd = periodEnd;
  }
  return checked;
}

export function checkErasureEntry(entry: ErasureEntry): ErasureEntry {
  return {
    erasureId: checkUuid('erasureId', entry.erasureId),
    subject: checkHex32('subject', entry.subject, true),
    at: checkDate('at', entry.at),
  };
}

/** Same consent content (ids, period, status), dates compared by instant. */
export function sameConsent(a: ConsentEntry, b: ConsentEntry): boolean {
  return (
    sameConsentParties(a, b) &&
    a.status === b.status &&
    a.periodStart.getTime() === b.periodStart.getTime() &&
    a.periodEnd?.getTime() === b.periodEnd?.getTime()
  );
}

/** Who, to whom and what: fixed by a consent's first record. */
export function sameConsentParties(a: ConsentEntry, b: ConsentEntry): boolean {
  return a.consentId === b.consentId && a.subject === b.subject && a.grantee === b.grantee && a.scopeHash === b.scopeHash;
}
