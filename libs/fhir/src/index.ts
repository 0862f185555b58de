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
export { createR4Validator, type FhirValidator } from './r4-validator.js';
export { CHECKED_INVARIANTS } from './invariant.registry.js';
export { R4_RESOURCE_TYPES } from './resource-types.js';
export { operationOutcome, outcomeFromError, hasErrors, FhirValidationError, HIE_ERROR_CODE_SYSTEM } from './operation-outcome.js';
export { canonicalJson } from './canonical-json.js';
