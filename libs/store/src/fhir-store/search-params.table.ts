/**
 * Which reference elements feed the `patient` search parameter, per resource type (after the
 * R4 SearchParameter definitions: subject/patient/beneficiary where they point at a Patient).
 * Data, not code: add a row to index a new type. `identifier` (token) is indexed for every
 * resource that has the element.
 */
export const PATIENT_REFERENCE_ELEMENTS: Readonly<Record<string, readonly string[]>> = {
  Account: ['subject'],
  AllergyIntolerance: ['patient'],
  Appointment: ['participant.actor'],
  CarePlan: ['subject'],
  CareTeam: ['subject'],
  ClinicalImpression: ['subject'],
  Composition: ['subject'],
  Condition: ['subject'],
  Coverage: ['beneficiary'],
  DiagnosticReport: ['subject'],
  DocumentReference: ['subject'],
  Encounter: ['subject'],
  EpisodeOfCare: ['patient'],
  FamilyMemberHistory: ['patient'],
  Flag: ['subject'],
  Goal: ['subject'],
  ImagingStudy: ['subject'],
  Immunization: ['patient'],
  MedicationAdministration: ['subject'],
  MedicationDispense: ['subject'],
  MedicationRequest: ['subject'],
  MedicationStatement: ['subject'],
  Observation: ['subject'],
  Procedure: ['subject'],
  Provenance: ['target'],
  QuestionnaireResponse: ['subject'],
  RelatedPerson: ['patient'],
  ServiceRequest: ['subject'],
  Specimen: ['subject'],
};

/** The reference search parameters indexed, with the target type they accept. */
export const REFERENCE_SEARCH_PARAMS = { patient: 'Patient' } as const;
