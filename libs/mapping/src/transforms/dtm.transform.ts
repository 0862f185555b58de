/**
 * HL7 v2 DTM (`YYYY[MM[DD[HH[MM[SS[.S+]]]]]][+/-ZZZZ]`) → FHIR date / dateTime / instant,
 * keeping the precision that was sent. Returns undefined for a value that is not a DTM.
 */
const DTM = /^(\d{4})(?:(\d{2})(?:(\d{2})(?:(\d{2})(?:(\d{2})(?:(\d{2})(?:\.(\d{1,4}))?)?)?)?)?)?([+-]\d{4})?$/;

export interface DtmParts {
  year: string;
  month?: string;
  day?: string;
  hour?: string;
  minute?: string;
  second?: string;
  fraction?: string;
  /** `+02:00` style, when sent. */
  zone?: string;
}

/** Splits a DTM into checked parts (calendar-valid), or undefined. */
export function parseDtm(raw: string): DtmParts | undefined {
  // Hand-written equivalent of DTM.exec (dates are read several times per message).
  const t = raw.trim();
  let end = t.length;
  let zone: string | undefined;
  if (end >= 5 && (t.charCodeAt(end - 5) === 43 || t.charCodeAt(end - 5) === 45)) {
    if (!digits(t, end - 4, end)) return undefined;
    zone = t.slice(end - 5);
    end -= 5;
  }
  const dot = t.indexOf('.');
  let fraction: string | undefined;
  if (dot >= 0 && dot < end) {
    // A fraction only after seconds (14 digits), 1 to 4 digits.
    if (dot !== 14 || end - dot < 2 || end - dot > 5 || !digits(t, dot + 1, end)) return undefined;
    fraction = t.slice(dot + 1, end);
    end = dot;
  }
  if (end < 4 || end > 14 || end % 2 !== 0 || !digits(t, 0, end)) return undefined;
  const year = t.slice(0, 4);
  const month = end >= 6 ? t.slice(4, 6) : undefined;
  const day = end >= 8 ? t.slice(6, 8) : undefined;
  const hour = end >= 10 ? t.slice(8, 10) : undefined;
  const minute = end >= 12 ? t.slice(10, 12) : undefined;
  const second = end >= 14 ? t.slice(12, 14) : undefined;
  if (month !== undefined && (+month < 1 || +month > 12)) return undefined;
  if (day !== undefined && (+day < 1 || +day > daysIn(+year, +month!))) return undefined;
  if (hour !== undefined && +hour > 23) return undefined;
  if (minute !== undefined && +minute > 59) return undefined;
  if (second !== undefined && +second > 59) return undefined;
  let z: string | undefined;
  if (zone !== undefined) {
    const zh = +zone.slice(1, 3);
    const zm = +zone.slice(3, 5);
    if (zh > 14 || zm > 59) return undefined;
    z = zh === 0 && zm === 0 ? 'Z' : `${zone.slice(0, 3)}:${zone.slice(3, 5)}`;
    if (z === 'Z' && zone[0] === '-') z = 'Z';
  }
  return { year, month, day, hour, minute, second, fraction, zone: z };
}

/** True when t[from, to) are all ASCII digits (and the range is not empty). */
function digits(t: string, from: number, to: number): boolean {
  if (from >= to) return false;
  for (let i = from; i < to; i++) {
    const c = t.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return true;
}

const DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function daysIn(year: number, month: number): number {
  if (month === 2 && year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0)) return 29;
  return DAYS[month - 1]!;
}

/** FHIR `date`: YYYY, YYYY-MM or YYYY-MM-DD (time parts, if any, are dropped). */
export function dtmToDate(raw: string): string | undefined {
  const p = parseDtm(raw);
  if (!p) return undefined;
  return datePart(p);
}

function datePart(p: DtmParts): string {
  let s = p.year;
  if (p.month) s += `-${p.month}`;
  if (p.month && p.day) s += `-${p.day}`;
  return s;
}

/**
 * FHIR `dateTime`. A time needs a zone in FHIR: the sent zone, else `defaultZone`, else the
 * value is reduced to date precision (documented in docs/mappings.md) rather than inventing one.
 * A time with hours only gets `:00` minutes, since FHIR has no hour-only precision.
 */
export function dtmToDateTime(raw: string, defaultZone?: string): string | undefined {
  const p = parseDtm(raw);
  if (!p) return undefined;
  if (p.hour === undefined) return datePart(p);
  const zone = p.zone ?? defaultZone;
  if (zone === undefined) return datePart(p);
  return `${datePart(p)}T${timePart(p)}${zone}`;
}

/** FHIR `instant`: needs seconds and a zone; missing minutes/seconds become 00. */
export function dtmToInstant(raw: string, defaultZone?: string): string | undefined {
  const p = parseDtm(raw);
  if (!p || p.day === undefined) return undefined;
  const zone = p.zone ?? defaultZone;
  if (zone === undefined) return undefined;
  return `${datePart(p)}T${timePart({ ...p, hour: p.hour ?? '00' })}${zone}`;
}

function timePart(p: DtmParts): string {
  let s = `${p.hour}:${p.minute ?? '00'}:${p.second ?? '00'}`;
  if (p.second !== undefined && p.fraction) s += `.${p.fraction}`;
  return s;
}

/** v2 TM (`HH[MM[SS[.S+]]]`) → FHIR time `hh:mm:ss`. */
export function tmToTime(raw: string): string | undefined {
  const m = /^(\d{2})(?::?(\d{2}))?(?::?(\d{2}))?(?:\.(\d{1,4}))?$/.exec(raw.trim());
  if (!m) return undefined;
  const [, h, mi, s, f] = m;
  if (+h! > 23 || +(mi ?? 0) > 59 || +(s ?? 0) > 59) return undefined;
  return `${h}:${mi ?? '00'}:${s ?? '00'}${f ? `.${f}` : ''}`;
}
