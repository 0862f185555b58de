/**
 * Reads values out of DICOM JSON (PS3.18 F.2: keys 'GGGGEEEE', `{ vr, Value }`). Structural, so
 * the header model of `@hie/dicom` fits without this lib depending on it. Readers are lenient
 * about what a producer may send (IS/DS as number or string, PN as object or string) and return
 * undefined for absent or empty values: an empty DICOM attribute never becomes an empty FHIR one.
 */

/** One DICOM JSON element. */
export interface DicomJsonValue {
  readonly vr: string;
  readonly Value?: readonly unknown[];
}

/** A DICOM JSON data set (or a sequence item). */
export type DicomJsonDataset = Readonly<Record<string, DicomJsonValue | undefined>>;

/** Tags read by the ImagingStudy conversion (PS3.6 keywords). */
export const TAG = {
  SOPClassUID: '00080016',
  SOPInstanceUID: '00080018',
  StudyDate: '00080020',
  SeriesDate: '00080021',
  StudyTime: '00080030',
  SeriesTime: '00080031',
  AccessionNumber: '00080050',
  IssuerOfAccessionNumberSequence: '00080051',
  Modality: '00080060',
  ReferringPhysicianName: '00080090',
  CodeValue: '00080100',
  CodingSchemeDesignator: '00080102',
  CodeMeaning: '00080104',
  LongCodeValue: '00080119',
  URNCodeValue: '00080120',
  TimezoneOffsetFromUTC: '00080201',
  StudyDescription: '00081030',
  ProcedureCodeSequence: '00081032',
  SeriesDescription: '0008103E',
  PatientName: '00100010',
  PatientID: '00100020',
  IssuerOfPatientID: '00100021',
  IssuerOfPatientIDQualifiersSequence: '00100024',
  PatientBirthDate: '00100030',
  PatientSex: '00100040',
  BodyPartExamined: '00180015',
  StudyInstanceUID: '0020000D',
  SeriesInstanceUID: '0020000E',
  SeriesNumber: '00200011',
  InstanceNumber: '00200013',
  Laterality: '00200060',
  ImageLaterality: '00200062',
  RequestedProcedureDescription: '00321060',
  LocalNamespaceEntityID: '00400031',
  UniversalEntityID: '00400032',
  UniversalEntityIDType: '00400033',
  RequestAttributesSequence: '00400275',
  ConceptNameCodeSequence: '0040A043',
  DocumentTitle: '00420010',
  ContentLabel: '00700080',
} as const;

/** The first value as trimmed text (numbers as their decimal form); undefined when absent or blank. */
export function textOf(ds: DicomJsonDataset | undefined, tag: string): string | undefined {
  const v = ds?.[tag]?.Value?.[0];
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  if (typeof v !== 'string') return undefined;
  // DICOM pads with spaces (and UIs with NUL); leading spaces are significant only for some VRs we do not read.
  const s = v.replace(/[\s\u0000]+$/u, '').trim();
  return s === '' ? undefined : s;
}

/** Every value as trimmed, non-empty text (multi-valued CS such as Image Type). */
export function textsOf(ds: DicomJsonDataset | undefined, tag: string): string[] {
  const out: string[] = [];
  for (const v of ds?.[tag]?.Value ?? []) {
    const s = typeof v === 'number' ? String(v) : typeof v === 'string' ? v.trim() : '';
    if (s !== '') out.push(s);
  }
  return out;
}

/** The first value as a non-negative integer (IS as number or string); undefined otherwise. */
export function unsignedOf(ds: DicomJsonDataset | undefined, tag: string): number | undefined {
  const v = ds?.[tag]?.Value?.[0];
  const n = typeof v === 'number' ? v : typeof v === 'string' && /^\s*[+]?\d{1,10}\s*$/.test(v) ? Number(v) : NaN;
  return Number.isInteger(n) && n >= 0 && n <= 2147483647 ? n : undefined;
}

/** The first value of a PN element, as its Alphabetic group text (PS3.18 F.2.2); undefined when empty. */
export function personNameOf(ds: DicomJsonDataset | undefined, tag: string): string | undefined {
  const v = ds?.[tag]?.Value?.[0];
  let s: string | undefined;
  if (typeof v === 'string') s = v.split('=')[0];
  else if (typeof v === 'object' && v !== null && typeof (v as Record<string, unknown>)['Alphabetic'] === 'string') {
    s = (v as Record<string, string>)['Alphabetic'];
  }
  const t = s?.trim();
  return t && t.replace(/\^/g, '').trim() !== '' ? t : undefined;
}

/** The items of a sequence (SQ) element. */
export function itemsOf(ds: DicomJsonDataset | undefined, tag: string): DicomJsonDataset[] {
  return (ds?.[tag]?.Value ?? []).filter((v): v is DicomJsonDataset => typeof v === 'object' && v !== null && !Array.isArray(v));
}
