import type { DicomTextDecoding } from './dicom-charset.js';
import { dicomJsonKey, type DicomJsonElement, type DicomJsonPersonName } from './dicom-json.model.js';
import { VR, VR_NAMES } from './dicom-vr.js';

const SINGLE_VALUED_TEXT = new Set([VR.LT, VR.ST, VR.UT, VR.UR]);
const CHARSET_TEXT = new Set([VR.SH, VR.LO, VR.ST, VR.LT, VR.UT, VR.PN, VR.UC]);

function text(bytes: Uint8Array, decoding: DicomTextDecoding): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString(decoding);
}

/** Trailing padding (space, NUL) never carries meaning; leading spaces only matter in LT/ST/UT. */
function trimValue(value: string, keepLeading: boolean): string {
  let end = value.length;
  while (end > 0 && (value.charCodeAt(end - 1) === 0x20 || value.charCodeAt(end - 1) === 0)) end--;
  let start = 0;
  if (!keepLeading) while (start < end && value.charCodeAt(start) === 0x20) start++;
  return start === 0 && end === value.length ? value : value.slice(start, end);
}

function personName(value: string): DicomJsonPersonName | null {
  if (value === '') return null;
  const [alphabetic, ideographic, phonetic] = value.split('=');
  const name: DicomJsonPersonName = {};
  if (alphabetic) name.Alphabetic = alphabetic;
  if (ideographic) name.Ideographic = ideographic;
  if (phonetic) name.Phonetic = phonetic;
  return name;
}

function decimal(value: string): number | null {
  if (value === '') return null;
  const n = Number(value);
  // A malformed number is kept out rather than guessed; the stored object keeps the original.
  return Number.isFinite(n) ? n : null;
}

function stringValues(vr: number, bytes: Uint8Array, decoding: DicomTextDecoding): unknown[] | undefined {
  const raw = text(bytes, CHARSET_TEXT.has(vr) ? decoding : 'latin1');
  const keepLeading = vr === VR.LT || vr === VR.ST || vr === VR.UT;
  const parts = SINGLE_VALUED_TEXT.has(vr) || !raw.includes('\\') ? [raw] : raw.split('\\');
  const values: unknown[] = [];
  let present = false;
  for (const part of parts) {
    const text = trimValue(part, keepLeading);
    const value = vr === VR.PN ? personName(text) : vr === VR.IS || vr === VR.DS ? decimal(text) : text === '' ? null : text;
    if (value !== null) present = true;
    values.push(value);
  }
  return present ? values : undefined;
}

function numberValues(vr: number, bytes: Uint8Array, littleEndian: boolean): unknown[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const values: unknown[] = [];
  switch (vr) {
    case VR.US: for (let i = 0; i + 2 <= bytes.length; i += 2) values.push(view.getUint16(i, littleEndian)); break;
    case VR.SS: for (let i = 0; i + 2 <= bytes.length; i += 2) values.push(view.getInt16(i, littleEndian)); break;
    case VR.UL: for (let i = 0; i + 4 <= bytes.length; i += 4) values.push(view.getUint32(i, littleEndian)); break;
    case VR.SL: for (let i = 0; i + 4 <= bytes.length; i += 4) values.push(view.getInt32(i, littleEndian)); break;
    case VR.FL: for (let i = 0; i + 4 <= bytes.length; i += 4) values.push(finiteOrString(view.getFloat32(i, littleEndian))); break;
    case VR.FD: for (let i = 0; i + 8 <= bytes.length; i += 8) values.push(finiteOrString(view.getFloat64(i, littleEndian))); break;
    case VR.SV: for (let i = 0; i + 8 <= bytes.length; i += 8) values.push(bigOrNumber(view.getBigInt64(i, littleEndian))); break;
    case VR.UV: for (let i = 0; i + 8 <= bytes.length; i += 8) values.push(bigOrNumber(view.getBigUint64(i, littleEndian))); break;
    case VR.AT:
      for (let i = 0; i + 4 <= bytes.length; i += 4) {
        values.push(dicomJsonKey(((view.getUint16(i, littleEndian) << 16) | view.getUint16(i + 2, littleEndian)) >>> 0));
      }
      break;
  }
  return values;
}

/** JSON has no NaN/Infinity: PS3.18 F.2.3.1 writes them as strings. */
function finiteOrString(n: number): number | string {
  return Number.isFinite(n) ? n : String(n);
}

/** SV/UV beyond 2^53 stay exact as strings (PS3.18 F.2.3.1). */
function bigOrNumber(n: bigint): number | string {
  return n <= BigInt(Number.MAX_SAFE_INTEGER) && n >= BigInt(Number.MIN_SAFE_INTEGER) ? Number(n) : n.toString();
}

/** InlineBinary is little endian; big-endian word VRs are swapped back (PS3.18 F.2.7). */
function inlineBinary(vr: number, bytes: Uint8Array, littleEndian: boolean): string {
  const size = vr === VR.OW ? 2 : vr === VR.OF || vr === VR.OL ? 4 : vr === VR.OD || vr === VR.OV ? 8 : 1;
  if (littleEndian || size === 1) return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
  const swapped = Buffer.from(bytes);
  const whole = swapped.length - (swapped.length % size);
  if (size === 2) swapped.subarray(0, whole).swap16();
  else if (size === 4) swapped.subarray(0, whole).swap32();
  else swapped.subarray(0, whole).swap64();
  return swapped.toString('base64');
}

/**
 * The DICOM JSON element of one (non-sequence) value. Empty values give an element without Value.
 * Called only for values under the bulk threshold; the caller leaves bulk values out.
 */
export function decodeDicomValue(vr: number, bytes: Uint8Array, littleEndian: boolean, decoding: DicomTextDecoding): DicomJsonElement {
  const element: DicomJsonElement = { vr: VR_NAMES[vr] ?? 'UN' };
  if (bytes.length === 0) return element;
  switch (vr) {
    case VR.US: case VR.SS: case VR.UL: case VR.SL: case VR.FL: case VR.FD: case VR.SV: case VR.UV: case VR.AT: {
      const values = numberValues(vr, bytes, littleEndian);
      if (values.length > 0) element.Value = values;
      return element;
    }
    case VR.OB: case VR.OD: case VR.OF: case VR.OL: case VR.OV: case VR.OW: case VR.UN:
      element.InlineBinary = inlineBinary(vr, bytes, littleEndian);
      return element;
    default: {
      const values = stringValues(vr, bytes, decoding);
      if (values) element.Value = values;
      return element;
    }
  }
}
