import type { DicomJson } from '@hie/dicom';

/**
 * Small readers of the DICOM JSON model (PS3.18 F.2) intake needs: the first value of an
 * attribute as text or integer, and the first item of a sequence. Values are trimmed (DICOM pads
 * with spaces); empty values read as undefined.
 */

/** The first value of `tag` ('GGGGEEEE') as text; a PN gives its Alphabetic group. */
export function firstString(json: DicomJson | undefined, tag: string): string | undefined {
  const value = json?.[tag]?.Value?.[0];
  let text: string | undefined;
  if (typeof value === 'string') text = value;
  else if (typeof value === 'number') text = String(value);
  else if (typeof value === 'object' && value !== null && typeof (value as { Alphabetic?: unknown }).Alphabetic === 'string') {
    text = (value as { Alphabetic: string }).Alphabetic;
  }
  const trimmed = text?.replace(/[\s\0]+$/u, '').replace(/^\s+/u, '');
  return trimmed ? trimmed : undefined;
}

/** The first value of `tag` as an integer that fits a 32-bit column (IS, US, SL...), else undefined. */
export function firstInt32(json: DicomJson | undefined, tag: string): number | undefined {
  const value = json?.[tag]?.Value?.[0];
  const n = typeof value === 'number' ? value : typeof value === 'string' && value.trim() !== '' ? Number(value.trim()) : NaN;
  return Number.isSafeInteger(n) && Math.abs(n) <= 2_147_483_647 ? n : undefined;
}

/** The first item of a sequence attribute. */
export function firstItem(json: DicomJson | undefined, tag: string): DicomJson | undefined {
  const item = json?.[tag]?.Value?.[0];
  return typeof item === 'object' && item !== null && !Array.isArray(item) ? (item as DicomJson) : undefined;
}
