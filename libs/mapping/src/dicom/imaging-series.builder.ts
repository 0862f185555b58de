import type { OperationOutcomeIssue } from '@hie/fhir';
import { dicomWarning, firstItem, type DicomCoding } from './dicom-codes.js';
import { dicomDateTime } from './dicom-datetime.js';
import { TAG, textOf, unsignedOf, type DicomJsonDataset } from './dicom-json.reader.js';
import type { DicomTables } from './dicom-tables.js';

/** One stored instance of a study: its index columns and its DICOM JSON header (no bulk data). */
export interface DicomStudyInstance {
  readonly sopInstanceUid: string;
  readonly sopClassUid: string;
  readonly seriesInstanceUid: string;
  readonly studyInstanceUid: string;
  readonly modality?: string | null;
  readonly seriesNumber?: number | null;
  readonly instanceNumber?: number | null;
  readonly metadata: DicomJsonDataset;
}

/** The DICOM code system of modalities (ImagingStudy.modality, series.modality). */
export const DCM_SYSTEM = 'http://dicom.nema.org/resources/ontology/DCM';

/** Modality when an instance names none: R4 requires series.modality, and OT is DICOM's "Other". */
const UNKNOWN_MODALITY = 'OT';

/** ImagingStudy.series[] element as built here. */
export interface ImagingSeries {
  uid: string;
  number?: number;
  modality: DicomCoding;
  description?: string;
  numberOfInstances: number;
  bodySite?: DicomCoding;
  laterality?: DicomCoding;
  started?: string;
  instance: ImagingInstance[];
}

interface ImagingInstance {
  uid: string;
  sopClass: DicomCoding;
  number?: number;
  title?: string;
}

/**
 * Groups a study's instances into series, in a stable order (series number, then UID; within a
 * series instance number, then UID), so the same instances always give the same resource and
 * a resent study is a no-op write. Series-level values come from the first instance that has them.
 */
export function buildSeries(instances: readonly DicomStudyInstance[], tables: DicomTables, issues: OperationOutcomeIssue[]): ImagingSeries[] {
  const bySeries = new Map<string, DicomStudyInstance[]>();
  for (const i of instances) {
    const list = bySeries.get(i.seriesInstanceUid);
    if (list) list.push(i);
    else bySeries.set(i.seriesInstanceUid, [i]);
  }
  const groups = [...bySeries.entries()].map(([uid, list]) => ({ uid, list: [...list].sort(byInstance), number: seriesNumberOf(list) }));
  groups.sort((a, b) => compareOptional(a.number, b.number) || compare(a.uid, b.uid));
  return groups.map(({ uid, list, number }) => seriesOf(uid, number, list, tables, issues));
}

function seriesOf(uid: string, number: number | undefined, list: readonly DicomStudyInstance[], tables: DicomTables, issues: OperationOutcomeIssue[]): ImagingSeries {
  const first = <T>(read: (i: DicomStudyInstance) => T | undefined): T | undefined => {
    for (const i of list) {
      const v = read(i);
      if (v !== undefined) return v;
    }
    return undefined;
  };
  const modality = first((i) => i.modality?.trim() || textOf(i.metadata, TAG.Modality));
  if (modality === undefined) issues.push(dicomWarning(TAG.Modality, `series without Modality: coded ${UNKNOWN_MODALITY}`));
  const series: ImagingSeries = {
    uid,
    ...(number !== undefined ? { number } : {}),
    modality: modalityCoding(modality ?? UNKNOWN_MODALITY, tables),
    numberOfInstances: list.length,
    instance: list.map(instanceOf),
  };
  const description = first((i) => textOf(i.metadata, TAG.SeriesDescription));
  if (description) series.description = description;
  const bodyPart = first((i) => textOf(i.metadata, TAG.BodyPartExamined));
  if (bodyPart !== undefined) {
    const code = tables.bodyPart(bodyPart);
    if (code) series.bodySite = { ...code };
    else issues.push(dicomWarning(TAG.BodyPartExamined, 'Body Part Examined term not in mappings/dicom/body-part.yaml: no bodySite'));
  }
  const side = first((i) => textOf(i.metadata, TAG.Laterality)) ?? first((i) => textOf(i.metadata, TAG.ImageLaterality));
  const laterality = side === undefined ? undefined : tables.laterality(side);
  if (laterality) series.laterality = { ...laterality };
  const started = first((i) => dicomDateTimeOrUndefined(i.metadata, TAG.SeriesDate, TAG.SeriesTime));
  if (started) series.started = started;
  return series;
}

/** ImagingStudy.modality / series.modality: the DICOM defined term in the DCM code system. */
export function modalityCoding(modality: string, tables: DicomTables): DicomCoding {
  const code = modality.trim().toUpperCase();
  const display = tables.modalityDisplay(code);
  return { system: DCM_SYSTEM, code, ...(display ? { display } : {}) };
}

function instanceOf(i: DicomStudyInstance): ImagingInstance {
  const number = nonNegative(i.instanceNumber) ?? unsignedOf(i.metadata, TAG.InstanceNumber);
  const title =
    textOf(i.metadata, TAG.DocumentTitle) ??
    textOf(i.metadata, TAG.ContentLabel) ??
    textOf(firstItem(i.metadata, TAG.ConceptNameCodeSequence), TAG.CodeMeaning);
  return {
    uid: i.sopInstanceUid,
    sopClass: { system: 'urn:ietf:rfc:3986', code: `urn:oid:${i.sopClassUid}` },
    ...(number !== undefined ? { number } : {}),
    ...(title ? { title } : {}),
  };
}

function dicomDateTimeOrUndefined(ds: DicomJsonDataset, dateTag: string, timeTag: string): string | undefined {
  return dicomDateTime(textOf(ds, dateTag), textOf(ds, timeTag), textOf(ds, TAG.TimezoneOffsetFromUTC));
}

function seriesNumberOf(list: readonly DicomStudyInstance[]): number | undefined {
  for (const i of list) {
    const n = nonNegative(i.seriesNumber) ?? unsignedOf(i.metadata, TAG.SeriesNumber);
    if (n !== undefined) return n;
  }
  return undefined;
}

function byInstance(a: DicomStudyInstance, b: DicomStudyInstance): number {
  const na = nonNegative(a.instanceNumber) ?? unsignedOf(a.metadata, TAG.InstanceNumber);
  const nb = nonNegative(b.instanceNumber) ?? unsignedOf(b.metadata, TAG.InstanceNumber);
  return compareOptional(na, nb) || compare(a.sopInstanceUid, b.sopInstanceUid);
}

/** An index column's number when FHIR's unsignedInt can carry it (IS may be negative). */
function nonNegative(n: number | null | undefined): number | undefined {
  return typeof n === 'number' && Number.isInteger(n) && n >= 0 ? n : undefined;
}

/** Numbers first, ascending; absent last. */
function compareOptional(a: number | undefined, b: number | undefined): number {
  if (a === undefined) return b === undefined ? 0 : 1;
  if (b === undefined) return -1;
  return a - b;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
