/** DICOM JSON model (PS3.18 F.2): keys are 'GGGGEEEE' upper-case hex tags. */
export type DicomJson = Record<string, DicomJsonElement>;

/** One attribute in the DICOM JSON model. Bulk values have neither Value nor InlineBinary. */
export interface DicomJsonElement {
  vr: string;
  Value?: unknown[];
  InlineBinary?: string;
  BulkDataURI?: string;
}

/** A PN value in DICOM JSON: the three component groups, each present only when non-empty. */
export interface DicomJsonPersonName {
  Alphabetic?: string;
  Ideographic?: string;
  Phonetic?: string;
}

/** Binary values (OB/OW/OF/OD/OL/OV/UN) longer than this are bulk data: left out of the metadata. */
export const BULK_DATA_THRESHOLD = 1024;

const keys = new Map<number, string>();

/** 'GGGGEEEE' key of a tag. */
export function dicomJsonKey(tag: number): string {
  let key = keys.get(tag);
  if (key === undefined) {
    key = (tag >>> 0).toString(16).toUpperCase().padStart(8, '0');
    // Bounded: made-up tags in hostile input must not grow a process-wide map.
    if (keys.size < 20_000) keys.set(tag, key);
  }
  return key;
}
