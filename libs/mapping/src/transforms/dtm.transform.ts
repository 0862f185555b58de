/**
 * HL7 v2 DTM (`YYYY[MM[DD[HH[MM[SS[.S+]]]]]][+/-ZZZZ]`) → FHIR date / dateTime / instant,
 * keeping the precision that was sent. Returns undefined for a value that is not a DTM.
 */
// The pattern (checked by hand in scanDtm):
// ^(\d{4})(?:(\d{2})(?:(\d{2})(?:(\d{2})(?:(\d{2})(?:(\d{2})(?:\.(\d{1,4}))?)?)?)?)?)?([+-]\d{4})?$

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

/**
 * The last value scanned (dates are read many times per message, so the scan allocates
 * nothing but the slices the result needs): the trimmed text, how many leading digits form the
 * date/time (4 to 14), the fraction digits and the FHIR form of the zone.
 */
let scanned = '';
let digitCount = 0;
let fractionText: string | undefined;
let zoneText: string | undefined;

/** Checks a DTM (the DTM pattern, then calendar-valid) and records its parts; false if it is not one. */
function scanDtm(raw: string): boolean {
  const t = raw.trim();
  let end = t.length;
  let zone: string | undefined;
  if (end >= 5 && (t.charCodeAt(end - 5) === 43 || t.charCodeAt(end - 5) === 45)) {
    if (!digits(t, end - 4, end)) return false;
    const zh = two(t, end - 4);
    const zm = two(t, end - 2);
    if (zh > 14 || zm > 59) return false;
    zone = zh === 0 && zm === 0 ? 'Z' : `${t.slice(end - 5, end - 2)}:${t.slice(end - 2)}`;
    end -= 5;
  }
  const dot = t.indexOf('.');
  let fraction: string | undefined;
  if (dot >= 0 && dot < end) {
    // A fraction only after seconds (14 digits), 1 to 4 digits.
    if (dot !== 14 || end - dot < 2 || end - dot > 5 || !digits(t, dot + 1, end)) return false;
    fraction = t.slice(dot + 1, end);
    end = dot;
  }
  if (end < 4 || end > 14 || end % 2 !== 0 || !digits(t, 0, end)) return false;
  if (end >= 6) {
    const month = two(t, 4);
    if (month < 1 || month > 12) return false;
    if (end >= 8) {
      const day = two(t, 6);
      if (day < 1 || day > daysIn(two(t, 0) * 100 + two(t, 2), month)) return false;
    }
  }
  if (end >= 10 && two(t, 8) > 23) return false;
  if (end >= 12 && two(t, 10) > 59) return false;
  if (end >= 14 && two(t, 12) > 59) return false;
  scanned = t;
  digitCount = end;
  fractionText = fraction;
  zoneText = zone;
  return true;
}

/** The two digits at `i` as a number (already checked to be digits). */
function two(t: string, i: number): number {
  return (t.charCodeAt(i) - 48) * 10 + t.charCodeAt(i + 1) - 48;
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

const part = (from: number): string | undefined => (digitCount >= from + 2 ? scanned.slice(from, from + 2) : undefined);

/** Splits a DTM into checked parts (calendar-valid), or undefined. */
export function parseDtm(raw: string): DtmParts | undefined {
  if (!scanDtm(raw)) return undefined;
  return {
    year: scanned.slice(0, 4),
    month: part(4),
    day: part(6),
    hour: part(8),
    minute: part(10),
    second: part(12),
    fraction: fractionText,
    zone: zoneText,
  };
}

const DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function daysIn(year: number, month: number): number {
  if (month === 2 && year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0)) return 29;
  return DAYS[month - 1]!;
}

/** FHIR `date`: YYYY, YYYY-MM or YYYY-MM-DD (time parts, if any, are dropped). */
export function dtmToDate(raw: string): string | undefined {
  return scanDtm(raw) ? datePart() : undefined;
}

/** The date of the last scan: YYYY[-MM[-DD]]. */
function datePart(): string {
  const t = scanned;
  if (digitCount < 6) return t.slice(0, 4);
  if (digitCount < 8) return `${t.slice(0, 4)}-${t.slice(4, 6)}`;
  return `${t.slice(0, 4)}-${t.slice(4, 6)}-${t.slice(6, 8)}`;
}

/**
 * FHIR `dateTime`. A time needs a zone in FHIR: the sent zone, else `defaultZone`, else the
 * value is reduced to date precision (documented in docs/mappings.md) rather than inventing one.
 * A time with hours only gets `:00` minutes, since FHIR has no hour-only precision.
 */
export function dtmToDateTime(raw: string, defaultZone?: string): string | undefined {
  if (!scanDtm(raw)) return undefined;
  if (digitCount < 10) return datePart();
  const zone = zoneText ?? defaultZone;
  if (zone === undefined) return datePart();
  return `${datePart()}T${timePart()}${zone}`;
}

/** FHIR `instant`: needs seconds and a zone; missing minutes/seconds become 00. */
export function dtmToInstant(raw: string, defaultZone?: string): string | undefined {
  if (!scanDtm(raw) || digitCount < 8) return undefined;
  const zone = zoneText ?? defaultZone;
  if (zone === undefined) return undefined;
  return `${datePart()}T${timePart()}${zone}`;
}

/** The time of the last scan: hh:mm:ss[.f], missing parts as 00. */
function timePart(): string {
  const t = scanned;
  const hh = digitCount >= 10 ? t.slice(8, 10) : '00';
  const mm = digitCount >= 12 ? t.slice(10, 12) : '00';
  if (digitCount < 14) return `${hh}:${mm}:00`;
  const ss = t.slice(12, 14);
  return fractionText ? `${hh}:${mm}:${ss}.${fractionText}` : `${hh}:${mm}:${ss}`;
}

/** v2 TM (`HH[MM[SS[.S+]]]`) → FHIR time `hh:mm:ss`. */
export function tmToTime(raw: string): string | undefined {
  const m = /^(\d{2})(?::?(\d{2}))?(?::?(\d{2}))?(?:\.(\d{1,4}))?$/.exec(raw.trim());
  if (!m) return undefined;
  const [, h, mi, s, f] = m;
  if (+h! > 23 || +(mi ?? 0) > 59 || +(s ?? 0) > 59) return undefined;
  return `${h}:${mi ?? '00'}:${s ?? '00'}${f ? `.${f}` : ''}`;
}
