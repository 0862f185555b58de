import { deterministicId } from '@hie/common';
import type { FhirResource } from '@hie/fhir';
import { dicomDate } from './dicom-datetime.js';
import { firstItem, issuerSystem } from './dicom-codes.js';
import { personNameOf, TAG, textOf, type DicomJsonDataset } from './dicom-json.reader.js';
import type { DicomTables } from './dicom-tables.js';
import { humanNameOf } from './person-name.js';

/**
 * The Patient id of a study whose header names no assigning authority (so it cannot be matched
 * to the HL7 feed's Patient): one Patient per study, never merged with another study's on a bare
 * PatientID, which is unique only within its issuer.
 */
export function studyLocalPatientId(idSecret: string, studyInstanceUid: string): string {
  return deterministicId(idSecret, ['Patient', 'dicom-study', studyInstanceUid]);
}

/** Whether the header says anything about the patient (else there is no Patient to write). */
export function hasPatientData(ds: DicomJsonDataset): boolean {
  return [TAG.PatientID, TAG.PatientBirthDate, TAG.PatientSex].some((t) => textOf(ds, t) !== undefined) || personNameOf(ds, TAG.PatientName) !== undefined;
}

/**
 * A Patient from the DICOM patient module, for a patient the FHIR store does not hold yet (the
 * caller never sends it for one that exists: the HL7 feed's Patient is richer). Identifier
 * system from the Issuer of Patient ID Qualifiers' Universal Entity ID as the HL7 map derives
 * it from PID-3.4.2/4.3 (hdSystem); the namespace (0010,0021), else the `authority` intake matched
 * under (a configured default issuer), is kept as the assigner's display.
 */
export function buildDicomPatient(id: string, ds: DicomJsonDataset, tables: DicomTables, authority?: string): FhirResource {
  const patient: FhirResource = { resourceType: 'Patient', id };
  const value = textOf(ds, TAG.PatientID);
  if (value !== undefined) {
    const system = issuerSystem(firstItem(ds, TAG.IssuerOfPatientIDQualifiersSequence));
    // The authority intake matched under, when it is a namespace rather than the system's universal id.
    const fallback = authority?.trim() && !system?.endsWith(authority.trim()) ? authority.trim() : undefined;
    const namespace = textOf(ds, TAG.IssuerOfPatientID) ?? fallback;
    patient['identifier'] = [
      {
        ...(system ? { system } : {}),
        value,
        ...(namespace ? { assigner: { display: namespace } } : {}),
      },
    ];
  }
  const name = humanNameOf(personNameOf(ds, TAG.PatientName));
  if (name) patient['name'] = [name];
  const sex = textOf(ds, TAG.PatientSex);
  const gender = sex === undefined ? undefined : tables.patientSex(sex);
  if (gender) patient['gender'] = gender;
  const birthDate = dicomDate(textOf(ds, TAG.PatientBirthDate));
  if (birthDate) patient['birthDate'] = birthDate;
  return patient;
}
