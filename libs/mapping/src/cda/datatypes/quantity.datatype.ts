import { attr, child, textOf, type XmlElement } from '@hie/cda';
import type { CdaContext } from '../cda-context.js';
import type { ObservationValue, Quantity, Range, Ratio } from '../fhir-datatypes.model.js';
import { cleanString, codeableConcept } from './coded.datatype.js';
import { dateTimeOf, periodOf } from './time.datatype.js';

/** FHIR Quantity's own unit system (not a CDA OID: PQ units are UCUM by definition). */
const UCUM = 'http://unitsofmeasure.org';
const DECIMAL = /^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?$/;

/** A FHIR decimal from CDA text (`.5` and `5.` are read as 0.5 and 5), else undefined. */
export function decimalOf(raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  let t = raw.trim();
  if (t.startsWith('.')) t = `0${t}`;
  else if (t.startsWith('-.')) t = `-0${t.slice(1)}`;
  if (t.endsWith('.')) t = t.slice(0, -1);
  t = t.replace(/^(-?)0+(?=\d)/, '$1');
  if (!DECIMAL.test(t)) return undefined;
  const n = Number(t);
  return Number.isFinite(n) ? n : undefined;
}

/** PQ → Quantity (UCUM system and code when a unit is given); undefined without a numeric value. */
export function quantityOf(pq: XmlElement | undefined): Quantity | undefined {
  const value = decimalOf(attr(pq, 'value'));
  if (value === undefined) return undefined;
  const out: Quantity = { value };
  const unit = cleanString(attr(pq, 'unit'));
  if (unit !== undefined && !/\s/.test(unit)) {
    out.unit = unit;
    out.system = UCUM;
    out.code = unit;
  } else if (unit !== undefined) out.unit = unit;
  return out;
}

/** The local part of `xsi:type` (`PQ`, `CD`...), upper-cased. */
export function xsiType(element: XmlElement | undefined): string | undefined {
  const t = attr(element, 'xsi:type');
  if (t === undefined) return undefined;
  const colon = t.indexOf(':');
  return (colon >= 0 ? t.slice(colon + 1) : t).trim().toUpperCase();
}

/**
 * An observation `<value>` → FHIR value[x] by its xsi:type: PQ/REAL → valueQuantity,
 * CD/CE/CV/CO/CS → valueCodeableConcept, ST/ED → valueString, BL → valueBoolean,
 * INT → valueInteger, IVL_PQ → valueRange, RTO → valueRatio, TS → valueDateTime,
 * IVL_TS → valuePeriod. Undefined for a nullFlavor or nothing usable (the caller records why).
 */
export function observationValue(value: XmlElement | undefined, ctx: CdaContext): ObservationValue | undefined {
  if (!value) return undefined;
  const type = xsiType(value);
  switch (type) {
    case 'PQ': {
      const q = quantityOf(value);
      return q ? { valueQuantity: q } : undefined;
    }
    case 'REAL':
    case 'MO': {
      const v = decimalOf(attr(value, 'value'));
      return v !== undefined ? { valueQuantity: { value: v } } : undefined;
    }
    case 'CD':
    case 'CE':
    case 'CV':
    case 'CO':
    case 'CS': {
      const cc = codeableConcept(value, ctx);
      return cc ? { valueCodeableConcept: cc } : undefined;
    }
    case 'ST':
    case 'ED':
    case 'SC': {
      const ref = attr(child(value, 'reference'), 'value');
      const text = textOf(value) || (ref !== undefined ? ctx.narrativeText(ref) : undefined);
      return text ? { valueString: text } : undefined;
    }
    case 'BL': {
      const v = attr(value, 'value');
      return v === 'true' || v === 'false' ? { valueBoolean: v === 'true' } : undefined;
    }
    case 'INT': {
      const v = attr(value, 'value')?.trim();
      if (v === undefined || !/^-?[0-9]+$/.test(v)) return undefined;
      const n = Number(v);
      return n >= -2147483648 && n <= 2147483647 ? { valueInteger: n } : undefined;
    }
    case 'IVL_PQ': {
      const range = rangeOf(value);
      return range ? { valueRange: range } : undefined;
    }
    case 'RTO':
    case 'RTO_PQ_PQ':
    case 'RTO_INT_INT': {
      const ratio = ratioOf(value);
      return ratio ? { valueRatio: ratio } : undefined;
    }
    case 'TS': {
      const dt = dateTimeOf(value);
      return dt ? { valueDateTime: dt } : undefined;
    }
    case 'IVL_TS': {
      const p = periodOf(value);
      return p ? { valuePeriod: p } : undefined;
    }
    default: {
      // No (or an unknown) xsi:type: a code, else a quantity, else text, whichever is there.
      if (attr(value, 'code') !== undefined) {
        const cc = codeableConcept(value, ctx);
        if (cc) return { valueCodeableConcept: cc };
      }
      const q = quantityOf(value);
      if (q) return { valueQuantity: q };
      const text = textOf(value);
      if (text) return { valueString: text };
      if (type !== undefined) ctx.warn('unsupported-value-type', type);
      return undefined;
    }
  }
}

/** IVL_PQ → Range (low/high; a bare value becomes both). */
export function rangeOf(ivl: XmlElement | undefined): Range | undefined {
  if (!ivl) return undefined;
  const low = quantityOf(child(ivl, 'low'));
  const high = quantityOf(child(ivl, 'high'));
  if (!low && !high) {
    const v = quantityOf(ivl);
    return v ? { low: v, high: v } : undefined;
  }
  const out: Range = {};
  if (low) out.low = low;
  if (high) out.high = high;
  return out;
}

/** RTO → Ratio (numerator/denominator as quantities; INT parts have no unit). */
export function ratioOf(rto: XmlElement | undefined): Ratio | undefined {
  const numerator = quantityOf(child(rto, 'numerator'));
  const denominator = quantityOf(child(rto, 'denominator'));
  if (!numerator && !denominator) return undefined;
  const out: Ratio = {};
  if (numerator) out.numerator = numerator;
  if (denominator) out.denominator = denominator;
  return out;
}
