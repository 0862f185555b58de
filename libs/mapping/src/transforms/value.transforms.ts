import { dtmToDate, dtmToDateTime, dtmToInstant, tmToTime } from './dtm.transform.js';
import type { TransformContext, ValueTransform } from './transform.model.js';

const DECIMAL = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)$/;
const INTEGER = /^[+-]?\d+$/;
const OID = /^[0-2](?:\.(?:0|[1-9]\d*))+$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const V2_TABLE = /^HL7(\d{4})$/i;

function checked<T>(value: T | undefined, t: TransformContext, reason: string): T | undefined {
  if (value === undefined) t.warn(reason);
  return value;
}

/** FHIR `decimal` as a JSON number; values that are not plain decimals are dropped. */
export function toDecimal(v: string, t: TransformContext): number | undefined {
  const s = v.trim();
  return checked(DECIMAL.test(s) ? Number(s) : undefined, t, 'not a decimal');
}

function toInteger(min: number): ValueTransform {
  return (v, t) => {
    const s = v.trim();
    const n = INTEGER.test(s) ? Number(s) : NaN;
    return checked(Number.isSafeInteger(n) && n >= min && n <= 2147483647 ? n : undefined, t, 'not an integer in range');
  };
}

/**
 * A v2 coding-system name (CWE-3) → FHIR system URI: the `coding-system` table first, then
 * any `HL7nnnn` table → `http://terminology.hl7.org/CodeSystem/v2-nnnn`, then OIDs and URIs as such.
 */
export function codingSystem(v: string, t: TransformContext): string | undefined {
  const s = v.trim();
  const mapped = t.lookup('coding-system', s) ?? t.lookup('coding-system', s.toUpperCase());
  if (mapped) return mapped.code;
  const table = V2_TABLE.exec(s);
  if (table) return `http://terminology.hl7.org/CodeSystem/v2-${table[1]}`;
  const uri = asSystemUri(s, '');
  return checked(uri, t, 'coding system not mapped');
}

/** An identifier/coding system from a universal id and its type (HD-2, HD-3). */
export function asSystemUri(id: string, type: string): string | undefined {
  const ty = type.toUpperCase();
  if (OID.test(id) && (ty === '' || ty === 'ISO')) return `urn:oid:${id}`;
  if (UUID.test(id) && (ty === '' || ty === 'GUID' || ty === 'UUID')) return `urn:uuid:${id.toLowerCase()}`;
  if (/^(?:https?|urn):[^\s]+$/i.test(id) && (ty === '' || ty === 'URI')) return id;
  return undefined;
}

/** FHIR `uri`: any string without whitespace. */
function uri(v: string, t: TransformContext): string | undefined {
  const s = v.trim();
  return checked(/^\S+$/.test(s) ? s : undefined, t, 'not a uri');
}

/** v2 ID Y/N → boolean. */
function yesNo(v: string, t: TransformContext): boolean | undefined {
  const s = v.trim().toUpperCase();
  return checked(s === 'Y' ? true : s === 'N' ? false : undefined, t, 'not Y or N');
}

/** Trims and drops values that are only whitespace (FHIR strings must not be blank). */
function text(v: string): string | undefined {
  const s = v.trim();
  return s === '' ? undefined : s;
}

/** The one-input transforms, by the name maps use. */
export const valueTransforms: Readonly<Record<string, ValueTransform>> = {
  date: (v, t) => checked(dtmToDate(v), t, 'not a v2 date'),
  dateTime: (v, t) => checked(dtmToDateTime(v, t.timezone), t, 'not a v2 date/time'),
  instant: (v, t) => checked(dtmToInstant(v, t.timezone), t, 'not a v2 date/time with seconds and zone'),
  time: (v, t) => checked(tmToTime(v), t, 'not a v2 time'),
  decimal: toDecimal,
  integer: toInteger(-2147483648),
  positiveInt: toInteger(1),
  unsignedInt: toInteger(0),
  boolean: yesNo,
  codingSystem,
  uri,
  text,
};
