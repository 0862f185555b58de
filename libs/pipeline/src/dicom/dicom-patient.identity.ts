import { deterministicId } from '@hie/common';
import type { DicomInstanceHeader } from '@hie/dicom';
import { firstItem, firstString } from './dicom-intake.json-reader.js';

/** (0010,0020) Patient ID. */
const PATIENT_ID = '00100020';
/** (0010,0021) Issuer of Patient ID: a local namespace, like CX-4.1. */
const ISSUER_OF_PATIENT_ID = '00100021';
/** (0010,0024) Issuer of Patient ID Qualifiers Sequence. */
const ISSUER_QUALIFIERS = '00100024';
/** (0040,0032) Universal Entity ID (inside the qualifiers): a global id, like CX-4.2. */
const UNIVERSAL_ENTITY_ID = '00400032';

/** A DICOM header's patient identifier and the assigning authority it is read under. */
export interface DicomPatientIdentifier {
  readonly value: string;
  readonly authority: string;
}

/**
 * The patient identifier of a header, with its authority chosen the way the HL7 v2 map chooses
 * PID-3's (`parts: [[4.2, 4.1, MSH-4.1, MSH-3.1], 1]`): the Universal Entity ID first (as CX-4.2),
 * then Issuer of Patient ID (as CX-4.1), then `defaultIssuer` (the configured stand-in for the
 * sending facility). Undefined when PatientID is empty or no authority is known.
 */
export function dicomPatientIdentifier(header: Pick<DicomInstanceHeader, 'metadata'>, defaultIssuer?: string): DicomPatientIdentifier | undefined {
  const metadata = header.metadata;
  const value = firstString(metadata, PATIENT_ID);
  if (value === undefined) return undefined;
  const authority =
    firstString(firstItem(metadata, ISSUER_QUALIFIERS), UNIVERSAL_ENTITY_ID) ??
    firstString(metadata, ISSUER_OF_PATIENT_ID) ??
    (defaultIssuer?.trim() || undefined);
  return authority === undefined ? undefined : { value, authority };
}

/**
 * The FHIR Patient id a DICOM header belongs to: the id the HL7 v2 mapping gives a PID-3 with
 * the same value and assigning authority (`deterministicId(idSecret, ['Patient', authority,
 * value])`, see mappings/hl7v2/segments/pid.patient.yaml and the mapping's id compiler), so
 * images land on the patient the ADT feed created. Undefined when the header names no patient
 * (see {@link dicomPatientIdentifier}).
 */
export function dicomPatientResourceId(idSecret: string, header: Pick<DicomInstanceHeader, 'metadata'>, defaultIssuer?: string): string | undefined {
  const identifier = dicomPatientIdentifier(header, defaultIssuer);
  return identifier ? deterministicId(idSecret, ['Patient', identifier.authority, identifier.value]) : undefined;
}
