import { deterministicId } from '@hie/common';
import type { Bundle, BundleEntry, FhirResource, OperationOutcomeIssue } from '@hie/fhir';
import { conceptOfCodeItem, dicomWarning, firstItem, issuerSystem, type DicomCodeableConcept, type DicomCoding } from './dicom-codes.js';
import { dicomDateTime } from './dicom-datetime.js';
import { buildDicomwebEndpoint } from './dicom-endpoint.builder.js';
import { itemsOf, TAG, textOf, type DicomJsonDataset } from './dicom-json.reader.js';
import { buildDicomPatient, hasPatientData, studyLocalPatientId } from './dicom-patient.builder.js';
import { buildReferrer } from './dicom-referrer.builder.js';
import type { DicomTables } from './dicom-tables.js';
import { buildSeries, type DicomStudyInstance, type ImagingSeries } from './imaging-series.builder.js';

/** What the conversion knows of one study when it builds its ImagingStudy. */
export interface ImagingStudyInput {
  readonly studyInstanceUid: string;
  /** Every stored instance of the study (not only the new ones): the resource lists them all. */
  readonly instances: readonly DicomStudyInstance[];
  /** The FHIR Patient id matched to the HL7 feed's (dicomPatientResourceId); absent: a study-local Patient. */
  readonly patientId?: string;
  /**
   * The assigning authority intake matched the patient under (the index's issuer_of_patient_id:
   * the header's issuer, else the configured default), kept as the identifier's assigner when
   * the header names no Issuer of Patient ID itself.
   */
  readonly patientAuthority?: string;
  /** Whether the FHIR store already holds that Patient (then it is referenced, never rewritten). */
  readonly patientExists: boolean;
  /** The ServiceRequest whose identifier is the study's accession number, if one was found. */
  readonly serviceRequestId?: string;
  /** The public DICOMweb base (Endpoint.address). */
  readonly dicomwebBaseUrl: string;
}

/** Settings of {@link buildImagingStudy}. */
export interface ImagingStudyOptions {
  /** Keys the deterministic resource ids. */
  readonly idSecret: string;
  /** UTC offset (`-05:00`) assumed for study times sent without Timezone Offset From UTC. */
  readonly timezone?: string;
}

/** The transaction Bundle of one study, with the ids it settled on and PHI-free warnings. */
export interface ImagingStudyResult {
  readonly bundle: Bundle;
  readonly imagingStudyId: string;
  /** The Patient the study is linked to (undefined when the header identifies no patient at all). */
  readonly patientId?: string;
  readonly issues: OperationOutcomeIssue[];
}

/** The id of a study's ImagingStudy: the same study always updates the same resource. */
export function imagingStudyId(idSecret: string, studyInstanceUid: string): string {
  return deterministicId(idSecret, ['ImagingStudy', studyInstanceUid]);
}

const V2_0203 = 'http://terminology.hl7.org/CodeSystem/v2-0203';

/**
 * One study's instances → transaction Bundle (`PUT Type/id`): the ImagingStudy (identifiers,
 * subject, started, basedOn, referrer, endpoint, counts, procedure code, modalities, series and
 * instances), the engine's WADO-RS Endpoint, the referring Practitioner, and a Patient only when
 * the store does not hold it yet. Pure; deterministic for the same instances in any order.
 */
export function buildImagingStudy(input: ImagingStudyInput, tables: DicomTables, options: ImagingStudyOptions): ImagingStudyResult {
  if (input.instances.length === 0) throw new RangeError('an ImagingStudy needs at least one instance');
  const issues: OperationOutcomeIssue[] = [];
  const series = buildSeries(input.instances, tables, issues);
  const ordered = inSeriesOrder(input.instances, series);
  const study = studyValue(ordered);
  const id = imagingStudyId(options.idSecret, input.studyInstanceUid);
  const entries: FhirResource[] = [];

  const patientSource = ordered.find((i) => hasPatientData(i.metadata))?.metadata;
  let patientId = input.patientId;
  if (patientId === undefined && patientSource) patientId = studyLocalPatientId(options.idSecret, input.studyInstanceUid);
  if (patientId !== undefined && !input.patientExists && patientSource) entries.push(buildDicomPatient(patientId, patientSource, tables, input.patientAuthority));

  const referrer = firstOf(ordered, (ds) => buildReferrer(options.idSecret, ds));
  if (referrer) entries.push(referrer.practitioner);
  const endpoint = buildDicomwebEndpoint(options.idSecret, input.dicomwebBaseUrl);
  entries.push(endpoint);

  const imaging: FhirResource = {
    resourceType: 'ImagingStudy',
    id,
    identifier: identifiers(input.studyInstanceUid, ordered),
    status: 'available',
    modality: distinctModalities(series),
    // R4 requires a subject; a header that names no patient at all gets a display-only reference.
    subject: patientId !== undefined ? { reference: `Patient/${patientId}` } : { display: 'Patient not identified in the DICOM header' },
  };
  const started = study((ds) => dicomDateTime(textOf(ds, TAG.StudyDate), textOf(ds, TAG.StudyTime), textOf(ds, TAG.TimezoneOffsetFromUTC) ?? options.timezone));
  if (started) imaging['started'] = started;
  else if (study((ds) => textOf(ds, TAG.StudyDate)) !== undefined) issues.push(dicomWarning(TAG.StudyDate, 'Study Date is not a valid DA: no started'));
  if (input.serviceRequestId) imaging['basedOn'] = [{ reference: `ServiceRequest/${input.serviceRequestId}` }];
  if (referrer) imaging['referrer'] = referrer.reference;
  imaging['endpoint'] = [{ reference: `Endpoint/${String(endpoint.id)}` }];
  imaging['numberOfSeries'] = series.length;
  imaging['numberOfInstances'] = series.reduce((n, s) => n + s.numberOfInstances, 0);
  const procedure = procedureCodes(ordered, tables);
  if (procedure.length > 0) imaging['procedureCode'] = procedure;
  const description = study((ds) => textOf(ds, TAG.StudyDescription));
  if (description) imaging['description'] = description;
  imaging['series'] = series;
  entries.push(imaging);

  // No fullUrl: entries are addressed by `Type/id` (as the CDA transaction), and not every id is a UUID.
  const entry: BundleEntry[] = entries.map((resource) => ({
    resource,
    request: { method: 'PUT', url: `${resource.resourceType}/${String(resource.id)}` },
  }));
  return { bundle: { resourceType: 'Bundle', type: 'transaction', entry }, imagingStudyId: id, ...(patientId !== undefined ? { patientId } : {}), issues };
}

/** The study's Study Instance UID (urn:dicom:uid) and accession number (ACSN, issuer as system). */
function identifiers(studyInstanceUid: string, ordered: readonly DicomStudyInstance[]): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [{ system: 'urn:dicom:uid', value: `urn:oid:${studyInstanceUid}` }];
  const withAccession = ordered.find((i) => textOf(i.metadata, TAG.AccessionNumber) !== undefined)?.metadata;
  if (withAccession) {
    const issuer = firstItem(withAccession, TAG.IssuerOfAccessionNumberSequence);
    const system = issuerSystem(issuer);
    const namespace = textOf(issuer, TAG.LocalNamespaceEntityID);
    out.push({
      type: { coding: [{ system: V2_0203, code: 'ACSN' }] },
      ...(system ? { system } : {}),
      value: textOf(withAccession, TAG.AccessionNumber),
      ...(namespace ? { assigner: { display: namespace } } : {}),
    });
  }
  return out;
}

/** Procedure Code Sequence items, else the requested procedure's or the study's description as text. */
function procedureCodes(ordered: readonly DicomStudyInstance[], tables: DicomTables): DicomCodeableConcept[] {
  for (const i of ordered) {
    const concepts = itemsOf(i.metadata, TAG.ProcedureCodeSequence)
      .map((item) => conceptOfCodeItem(item, tables))
      .filter((c): c is DicomCodeableConcept => c !== undefined);
    if (concepts.length > 0) return concepts;
  }
  const text = firstOf(
    ordered,
    (ds) =>
      textOf(ds, TAG.RequestedProcedureDescription) ??
      textOf(firstItem(ds, TAG.RequestAttributesSequence), TAG.RequestedProcedureDescription) ??
      textOf(ds, TAG.StudyDescription),
  );
  return text ? [{ text }] : [];
}

function distinctModalities(series: readonly ImagingSeries[]): DicomCoding[] {
  const seen = new Map<string, DicomCoding>();
  for (const s of series) if (s.modality.code && !seen.has(s.modality.code)) seen.set(s.modality.code, { ...s.modality });
  return [...seen.values()];
}

/** The instances in the order the series list them, so "first that has it" is stable. */
function inSeriesOrder(instances: readonly DicomStudyInstance[], series: readonly ImagingSeries[]): DicomStudyInstance[] {
  const rank = new Map<string, number>();
  for (const s of series) for (const i of s.instance) rank.set(i.uid, rank.size);
  return [...instances].sort((a, b) => (rank.get(a.sopInstanceUid) ?? 0) - (rank.get(b.sopInstanceUid) ?? 0));
}

/** A reader of study-level values: the first instance (in series order) that has one. */
function studyValue(ordered: readonly DicomStudyInstance[]) {
  return <T>(read: (ds: DicomJsonDataset) => T | undefined): T | undefined => firstOf(ordered, read);
}

function firstOf<T>(ordered: readonly DicomStudyInstance[], read: (ds: DicomJsonDataset) => T | undefined): T | undefined {
  for (const i of ordered) {
    const v = read(i.metadata);
    if (v !== undefined) return v;
  }
  return undefined;
}
