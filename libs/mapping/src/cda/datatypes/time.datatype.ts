import { attr, child, type XmlElement } from '@hie/cda';
import { dtmToDateTime, dtmToInstant } from '../../transforms/dtm.transform.js';
import type { Period } from '../fhir-datatypes.model.js';

/** A TS value as written (`@value`), falling back to an interval's low, then center. */
function tsValue(ts: XmlElement | undefined): string | undefined {
  if (!ts) return undefined;
  return attr(ts, 'value') ?? attr(child(ts, 'low'), 'value') ?? attr(child(ts, 'center'), 'value');
}

/**
 * TS `@value` → FHIR dateTime at its own precision, with its zone. A time without a zone is
 * reduced to its date (FHIR requires a zone with a time; we do not invent one).
 */
export function dateTimeOf(ts: XmlElement | undefined): string | undefined {
  const v = tsValue(ts);
  return v !== undefined ? dtmToDateTime(v) : undefined;
}

/** TS → FHIR instant (needs a day and a zone), else undefined. */
export function instantOf(ts: XmlElement | undefined): string | undefined {
  const v = tsValue(ts);
  return v !== undefined ? dtmToInstant(v) : undefined;
}

/** IVL_TS → Period (low → start, high → end; a bare `@value` or center → start). */
export function periodOf(ivl: XmlElement | undefined): Period | undefined {
  if (!ivl) return undefined;
  const low = child(ivl, 'low');
  const high = child(ivl, 'high');
  const start = low ? dateTimeOf(low) : dateTimeOf(ivl);
  const end = high ? dateTimeOf(high) : undefined;
  if (start === undefined && end === undefined) return undefined;
  const out: Period = {};
  if (start !== undefined) out.start = start;
  // per-1: a start after the end is kept, the end dropped (a data error in the source).
  if (end !== undefined && (start === undefined || !after(start, end))) out.end = end;
  return out;
}

/** FHIR effective[x]: `@value` (or equal low/high) → effectiveDateTime, else effectivePeriod; `{}` when none. */
export function effectiveOf(ivl: XmlElement | undefined): { effectiveDateTime?: string; effectivePeriod?: Period } {
  if (!ivl) return {};
  const value = attr(ivl, 'value');
  if (value !== undefined) {
    const dt = dtmToDateTime(value);
    return dt !== undefined ? { effectiveDateTime: dt } : {};
  }
  const period = periodOf(ivl);
  if (!period) return {};
  if (period.start !== undefined && period.end === period.start) return { effectiveDateTime: period.start };
  return { effectivePeriod: period };
}

/** True when FHIR dateTime `a` is certainly after `b` (same-form strings compared; otherwise by Date). */
function after(a: string, b: string): boolean {
  if (a.length === b.length && !a.includes('T')) return a > b;
  const ta = Date.parse(a);
  const tb = Date.parse(b);
  return Number.isFinite(ta) && Number.isFinite(tb) && ta > tb;
}
