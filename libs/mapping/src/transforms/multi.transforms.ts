import type { Hl7Repetition } from '@hie/hl7v2';
import { clean, firstString, isEmptyValue } from '../engine/position.js';
import { dtmToDateTime, tmToTime } from './dtm.transform.js';
import type { MultiTransform, TransformContext } from './transform.model.js';
import { asSystemUri, codingSystem, toDecimal } from './value.transforms.js';

const first = (arg: readonly Hl7Repetition[] | undefined): string => firstString(arg?.[0]);
const comp = (v: Hl7Repetition | undefined, c: number): string => clean(v?.[c - 1]?.[0]);

/** (HD-2 universal id, HD-3 type) → `urn:oid:` / `urn:uuid:` / URI system; nothing for a bare namespace. */
const hdSystem: MultiTransform = ([id, type], t) => {
  const sys = systemOf(id, type);
  if (sys === undefined && first(id).trim() !== '') t.warn('universal id is not an OID, UUID or URI of that type', 0);
  return sys;
};

function systemOf(id: readonly Hl7Repetition[] | undefined, type: readonly Hl7Repetition[] | undefined): string | undefined {
  const u = first(id).trim();
  return u === '' ? undefined : asSystemUri(u, first(type).trim());
}

/** The non-empty args joined by a space (e.g. a location name from PL components). */
const joinSpace: MultiTransform = (args) => {
  const parts = args.map((a) => first(a).trim()).filter((s) => s !== '');
  return parts.length ? parts.join(' ') : undefined;
};

/**
 * MessageHeader endpoints must be URLs: an HD with an OID becomes `urn:oid:...`, otherwise the
 * application's (else the facility's) namespace id is carried in a `urn:hie:application:` name
 * (percent-encoded). Args: [HD-1, HD-2, HD-3, facility HD-1].
 */
const applicationEndpoint: MultiTransform = ([ns, id, type, facility]) => {
  const sys = systemOf(id, type);
  if (sys !== undefined) return sys;
  // No application named: the facility (MSH-4 / MSH-6) still says where the message goes.
  const n = first(ns).trim() || first(facility).trim();
  return n === '' ? undefined : `urn:hie:application:${encodeURIComponent(n)}`;
};

/**
 * OBX-5 by its value type OBX-2 → one `value[x]` element, keyed by its FHIR name.
 * Text types keep every repetition (joined by newlines); other types take the first and warn
 * about the rest, since Observation.value[x] holds one value.
 */
const observationValue: MultiTransform = ([typeArg, valueArg, unitsArg], t) => {
  const type = first(typeArg).trim().toUpperCase();
  const reps = (valueArg ?? []).filter((r) => !isEmptyValue(r));
  if (reps.length === 0) return undefined;
  if (type === 'ST' || type === 'TX' || type === 'FT' || type === '') {
    const s = reps.map((r) => firstString(r)).join('\n').trim();
    return s ? { valueString: s } : undefined;
  }
  if (reps.length > 1) t.warn('only the first repetition of a non-text value is kept', 1);
  const v = reps[0]!;
  switch (type) {
    case 'NM': {
      const n = toDecimal(firstString(v), withArg(t, 1));
      return n === undefined ? undefined : { valueQuantity: quantity(n, unitsArg?.[0], t) };
    }
    case 'SN':
      return structuredNumeric(v, unitsArg?.[0], t);
    case 'CE':
    case 'CWE':
    case 'CNE':
    case 'CF': {
      const cc = t.datatype('cwe.codeable-concept', v, 1);
      return cc === undefined ? undefined : { valueCodeableConcept: cc };
    }
    case 'DT':
    case 'DTM':
    case 'TS': {
      const d = dtmToDateTime(firstString(v), t.timezone);
      if (d === undefined) t.warn('not a v2 date/time', 1);
      return d === undefined ? undefined : { valueDateTime: d };
    }
    case 'TM': {
      const tm = tmToTime(firstString(v));
      if (tm === undefined) t.warn('not a v2 time', 1);
      return tm === undefined ? undefined : { valueTime: tm };
    }
    case 'RP':
    case 'ID':
    case 'IS':
    case 'CX':
    case 'EI':
      return { valueString: firstString(v) };
    default:
      // ED (embedded data) and other types have no R4 value[x]; dropped with a warning.
      t.warn(`value type not mapped`, 1);
      return undefined;
  }
};

function withArg(t: TransformContext, argIndex: number): TransformContext {
  return {
    timezone: t.timezone,
    lookup: (table, code) => t.lookup(table, code),
    datatype: (name, value) => t.datatype(name, value, argIndex),
    warn: (r) => t.warn(r, argIndex),
  };
}

/** A Quantity from a number and OBX-6 units (CWE: code^text^system). */
function quantity(value: number, units: Hl7Repetition | undefined, t: TransformContext): Record<string, unknown> {
  const q: Record<string, unknown> = { value };
  const code = comp(units, 1).trim();
  const unit = comp(units, 2).trim() || code;
  const sysName = comp(units, 3).trim();
  if (unit) q['unit'] = unit;
  // A unit code needs its system (qty-3): without a known system only the unit text is kept.
  const system = code && sysName ? codingSystem(sysName, withArg(t, 2)) : undefined;
  if (code && system) {
    q['code'] = code;
    q['system'] = system;
  }
  return q;
}

/** SN: comparator^num1^separator^num2 → Quantity (with comparator), Range (`-`) or Ratio (`:` `/`). */
function structuredNumeric(v: Hl7Repetition, units: Hl7Repetition | undefined, t: TransformContext): unknown {
  const comparator = comp(v, 1).trim();
  const n1s = comp(v, 2).trim();
  const sep = comp(v, 3).trim();
  const n2s = comp(v, 4).trim();
  const w = withArg(t, 1);
  const n1 = n1s ? toDecimal(n1s, w) : undefined;
  const n2 = n2s ? toDecimal(n2s, w) : undefined;
  if (sep === ':' || sep === '/') {
    if (n1 === undefined || n2 === undefined) return undefined;
    return { valueRatio: { numerator: { value: n1 }, denominator: { value: n2 } } };
  }
  if (sep === '-') {
    if (n1 === undefined || n2 === undefined) return undefined;
    return { valueRange: { low: quantity(n1, units, t), high: quantity(n2, units, t) } };
  }
  if (n1 === undefined) return undefined;
  const q = quantity(n1, units, t);
  if (['<', '>', '<=', '>='].includes(comparator)) q['comparator'] = comparator;
  else if (comparator) t.warn('comparator not mapped', 1);
  return { valueQuantity: q };
}

/**
 * XTN → ContactPoint.value: the e-mail address (XTN-4) for Internet/X.400, else the number as
 * sent in XTN-1, else the unformatted number (XTN-12), else one built from country (5), area (6), local (7), extension (8).
 * Args: [3, 4, 12, 1, 5, 6, 7, 8]. A sent part the chosen value leaves out is reported.
 */
const contactValue: MultiTransform = (args, t) => {
  const [eq, email, unformatted, legacy, country, area, local, ext] = args.map((a) => first(a).trim());
  const isEmail = /^(internet|x\.400)$/i.test(eq ?? '') || (!!email && !legacy && !local && !unformatted);
  let value: string | undefined;
  let used: number[];
  if (isEmail && email) {
    value = email;
    used = [0, 1];
  } else if (legacy) {
    value = legacy;
    used = [0, 3];
  } else if (unformatted) {
    value = unformatted;
    used = [0, 2];
  } else if (local) {
    value = `${country ? `+${country} ` : ''}${area ? `(${area}) ` : ''}${local}${ext ? ` ext. ${ext}` : ''}`;
    used = [0, 4, 5, 6, 7];
  } else {
    return undefined;
  }
  args.forEach((a, i) => {
    if (!used.includes(i) && first(a).trim() !== '') t.warn('telecom part not kept (another part of the number was used)', i);
  });
  return value;
};

/** PV1-45 discharge → finished; PV1-44 admit → in-progress; else unknown (Encounter.status is required). */
const encounterStatus: MultiTransform = ([admit, discharge]) => {
  if (first(discharge).trim()) return 'finished';
  if (first(admit).trim()) return 'in-progress';
  return 'unknown';
};

/** PID-29 death date/time → deceasedDateTime; else PID-30 Y/N → deceasedBoolean. */
const deceased: MultiTransform = ([when, flag], t) => {
  const w = first(when).trim();
  if (w) {
    const d = dtmToDateTime(w, t.timezone);
    if (d) return { deceasedDateTime: d };
    t.warn('not a v2 date/time', 0);
  }
  const f = first(flag).trim().toUpperCase();
  if (f === 'Y') return { deceasedBoolean: true };
  if (f === 'N') return { deceasedBoolean: false };
  if (f) t.warn('not Y or N', 1);
  return undefined;
};

/** Every repetition of a text field (NTE-3, FT) joined by newlines. */
const joinLines: MultiTransform = ([text]) => {
  const s = (text ?? []).map((r) => firstString(r)).join('\n').trim();
  return s || undefined;
};

/** The several-input transforms, by the name maps use. */
export const multiTransforms: Readonly<Record<string, MultiTransform>> = {
  hdSystem,
  joinSpace,
  applicationEndpoint,
  observationValue,
  contactValue,
  encounterStatus,
  deceased,
  joinLines,
};
