/** The data key of resources that belong to no patient (practitioners, organisations, locations). */
export const SHARED_SUBJECT = 'shared';

/** Elements that name the patient a resource is about, in the order FHIR's Patient compartment lists them. */
const PATIENT_ELEMENTS = ['patient', 'subject', 'beneficiary', 'individual'] as const;

/**
 * The id of the Patient a resource version belongs to, or undefined when it is nobody's.
 * Decides which per-patient data key encrypts it, and so what a patient's erasure shreds:
 * a Patient is its own subject; other resources belong to the Patient their
 * patient/subject/beneficiary reference names (relative `Patient/<id>` references, as the
 * mappings write them).
 */
export function patientOf(resource: Readonly<Record<string, unknown>>): string | undefined {
  if (resource['resourceType'] === 'Patient') return typeof resource['id'] === 'string' ? resource['id'] : undefined;
  for (const element of PATIENT_ELEMENTS) {
    const id = patientIdOf(resource[element]);
    if (id !== undefined) return id;
  }
  return undefined;
}

function patientIdOf(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const reference = (value as { reference?: unknown }).reference;
  if (typeof reference !== 'string' || !reference.startsWith('Patient/')) return undefined;
  const id = reference.slice('Patient/'.length);
  return id.length > 0 && !id.includes('/') ? id : undefined;
}
