/**
 * DICOM DA / TM / Timezone Offset From UTC → FHIR `date` / `dateTime`. A FHIR dateTime with a
 * time must carry a zone; DICOM times carry none unless (0008,0201) is sent, so without an
 * offset (from the file, else the deployment's source time zone) only the date is kept.
 */

/** DA (`YYYYMMDD`, or ACR-NEMA `YYYY.MM.DD`) → `YYYY-MM-DD`; undefined when not a real date. */
export function dicomDate(da: string | undefined): string | undefined {
  const m = da === undefined ? null : /^(\d{4})\.?(\d{2})\.?(\d{2})$/.exec(da.trim());
  if (!m) return undefined;
  const [, y, mo, d] = m as unknown as [string, string, string, string];
  const year = Number(y);
  const month = Number(mo);
  const day = Number(d);
  if (year < 1 || month < 1 || month > 12 || day < 1 || day > daysIn(year, month)) return undefined;
  return `${y}-${mo}-${d}`;
}

/** TM (`HH[MM[SS[.F{1,6}]]]`, or ACR-NEMA `HH:MM:SS`) → `HH:MM:SS[.F]`; undefined when not a time. */
export function dicomTime(tm: string | undefined): string | undefined {
  const m = tm === undefined ? null : /^(\d{2})(?::?(\d{2})(?::?(\d{2})(?:\.(\d{1,6}))?)?)?$/.exec(tm.trim());
  if (!m) return undefined;
  const hh = m[1]!;
  const mm = m[2] ?? '00';
  const ss = m[3] ?? '00';
  if (Number(hh) > 23 || Number(mm) > 59 || Number(ss) > 60) return undefined;
  return `${hh}:${mm}:${ss}${m[4] ? `.${m[4]}` : ''}`;
}

/** Timezone Offset From UTC (`+HHMM` / `-HHMM`) or a FHIR offset (`-05:00`) → `±HH:MM`. */
export function utcOffset(value: string | undefined): string | undefined {
  const m = value === undefined ? null : /^([+-])(\d{2}):?(\d{2})$/.exec(value.trim());
  if (!m) return undefined;
  const hours = Number(m[2]);
  const minutes = Number(m[3]);
  if (minutes > 59 || hours > 14 || (hours === 14 && minutes > 0)) return undefined;
  return `${m[1]}${m[2]}:${m[3]}`;
}

/**
 * DA + TM + offset → FHIR dateTime: full precision with the offset, else the date alone
 * (a time without a zone would be an invalid dateTime, and guessing UTC misstates it).
 */
export function dicomDateTime(da: string | undefined, tm: string | undefined, offset: string | undefined): string | undefined {
  const date = dicomDate(da);
  if (!date) return undefined;
  const time = dicomTime(tm);
  const zone = utcOffset(offset);
  return time && zone ? `${date}T${time}${zone}` : date;
}

function daysIn(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}
