/** FHIR R4 types, validation, OperationOutcome, canonical JSON. Pure: no I/O, no Nest. */
export type {
  FhirMeta,
  FhirResource,
  HttpVerb,
  BundleEntry,
  Bundle,
  IssueSeverity,
  OperationOutcomeIssue,
  OperationOutcome,
} from './fhir-resource.model.js';
