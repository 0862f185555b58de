import type { DicomInstanceRow, DicomSeriesMatch, DicomStudyMatch } from '@hie/store';
import { INSTANCE_TAGS, SERIES_TAGS, STUDY_TAGS } from './dicom-query.attributes.js';

/** One attribute in the DICOM JSON model (PS3.18 F.2). */
export interface DicomJsonValue {
  vr: string;
  Value?: unknown[];
  InlineBinary?: string;
  BulkDataURI?: string;
}

/** A data set in the DICOM JSON model: keys 'GGGGEEEE'. */
export type DicomJsonObject = Record<string, DicomJsonValue>;

/** Which extra attributes a QIDO-RS answer carries (see parseQidoRequest). */
export type IncludeFields = ReadonlySet<string> | 'all';

/** The Retrieve URLs of a study, series, instance under a DICOMweb base (no trailing slash). */
export const retrieveUrl = {
  study: (base: string, study: string): string => `${base}/studies/${study}`,
  series: (base: string, study: string, series: string): string => `${base}/studies/${study}/series/${series}`,
  instance: (base: string, row: Pick<DicomInstanceRow, 'studyInstanceUid' | 'seriesInstanceUid' | 'sopInstanceUid'>): string =>
    `${base}/studies/${row.studyInstanceUid}/series/${row.seriesInstanceUid}/instances/${row.sopInstanceUid}`,
};

/**
 * A study match as QIDO-RS answers it: the default study attributes (values from the index and
 * from one instance's metadata), counts and modalities over the whole study, RetrieveURL, and
 * what `includefield` asks for.
 */
export function studyResult(match: DicomStudyMatch, base: string, include: IncludeFields): DicomJsonObject {
  const row = match.sample;
  return answer(row, STUDY_TAGS, include, {
    '00080056': cs('ONLINE'),
    '00080061': { vr: 'CS', ...(match.modalities.length > 0 ? { Value: [...match.modalities] } : {}) },
    '00080062': { vr: 'UI', Value: [...match.sopClassUids] },
    '00081190': { vr: 'UR', Value: [retrieveUrl.study(base, row.studyInstanceUid)] },
    '00201206': { vr: 'IS', Value: [match.seriesCount] },
    '00201208': { vr: 'IS', Value: [match.instanceCount] },
  });
}

/** A series match: default series attributes, its instance count, RetrieveURL; study attributes too when `withStudy`. */
export function seriesResult(match: DicomSeriesMatch, base: string, include: IncludeFields, withStudy: boolean): DicomJsonObject {
  const row = match.sample;
  return answer(row, withStudy ? [...STUDY_PARTS, ...SERIES_TAGS] : SERIES_TAGS, include, {
    '00080056': cs('ONLINE'),
    '00081190': { vr: 'UR', Value: [retrieveUrl.series(base, row.studyInstanceUid, row.seriesInstanceUid)] },
    '00201209': { vr: 'IS', Value: [match.instanceCount] },
  });
}

/** An instance match: default instance attributes and RetrieveURL; series and study attributes too when `withParents`. */
export function instanceResult(row: DicomInstanceRow, base: string, include: IncludeFields, withParents: boolean): DicomJsonObject {
  return answer(row, withParents ? [...STUDY_PARTS, ...SERIES_PARTS, ...INSTANCE_TAGS] : INSTANCE_TAGS, include, {
    '00080056': cs('ONLINE'),
    '00081190': { vr: 'UR', Value: [retrieveUrl.instance(base, row)] },
  });
}

/** The stored metadata of an instance (DICOM JSON of its data set, no bulk data); `{}` if unreadable. */
export function metadataOf(row: Pick<DicomInstanceRow, 'metadata'>): DicomJsonObject {
  try {
    const parsed: unknown = JSON.parse(row.metadata);
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? (parsed as DicomJsonObject) : {};
  } catch {
    return {};
  }
}

// Study and series attributes repeated at lower levels when the search is not scoped to a parent.
const STUDY_PARTS = ['00080020', '00080030', '00080050', '00081030', '00100010', '00100020', '00100021', '00100030', '00100040', '0020000D', '00200010'];
const SERIES_PARTS = ['00080060', '0008103E', '0020000E', '00200011'];

/** Values the index row holds, for when the metadata lacks them (or was unreadable). */
const FROM_ROW: Readonly<Record<string, (row: DicomInstanceRow) => DicomJsonValue | undefined>> = {
  '00080016': (r) => ui(r.sopClassUid),
  '00080018': (r) => ui(r.sopInstanceUid),
  '00080020': (r) => str('DA', r.studyDate),
  '00080030': (r) => str('TM', r.studyTime),
  '00080050': (r) => str('SH', r.accessionNumber),
  '00080060': (r) => str('CS', r.modality),
  '00081030': (r) => str('LO', r.studyDescription),
  '00100010': (r) => (r.patientName === undefined ? undefined : { vr: 'PN', Value: [{ Alphabetic: r.patientName }] }),
  '00100020': (r) => str('LO', r.patientId),
  '00100021': (r) => str('LO', r.issuerOfPatientId),
  '0020000D': (r) => ui(r.studyInstanceUid),
  '0020000E': (r) => ui(r.seriesInstanceUid),
  '00200011': (r) => (r.seriesNumber === undefined ? undefined : { vr: 'IS', Value: [r.seriesNumber] }),
  '00200013': (r) => (r.instanceNumber === undefined ? undefined : { vr: 'IS', Value: [r.instanceNumber] }),
};

function answer(row: DicomInstanceRow, tags: readonly string[], include: IncludeFields, computed: DicomJsonObject): DicomJsonObject {
  const meta = metadataOf(row);
  const out: DicomJsonObject = {};
  const take = (tag: string): void => {
    const element = computed[tag] ?? meta[tag] ?? FROM_ROW[tag]?.(row);
    if (element !== undefined) out[tag] = element;
  };
  for (const tag of tags) take(tag);
  if (include === 'all') {
    for (const tag of Object.keys(meta)) if (!(tag in out)) take(tag);
  } else {
    for (const tag of include) take(tag);
  }
  // PS3.18 F.2: attributes in tag order.
  return Object.fromEntries(Object.entries(out).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

function cs(value: string): DicomJsonValue {
  return { vr: 'CS', Value: [value] };
}

function ui(value: string): DicomJsonValue {
  return { vr: 'UI', Value: [value] };
}

function str(vr: string, value: string | undefined): DicomJsonValue | undefined {
  return value === undefined || value.length === 0 ? undefined : { vr, Value: [value] };
}
