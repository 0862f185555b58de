/**
 * CDA R2 datatypes → FHIR R4 datatypes, for the header and section mappers. Every function
 * returns undefined (or an empty list) when the source has nothing usable: no empty elements.
 */
export { codeSystemUri, coding, codeableConcept, originalText, dataAbsentReason, cleanCode, cleanString } from './datatypes/coded.datatype.js';
export { dateTimeOf, instantOf, periodOf, effectiveOf } from './datatypes/time.datatype.js';
export { quantityOf, observationValue, rangeOf, ratioOf, decimalOf, xsiType } from './datatypes/quantity.datatype.js';
export { identifiers, rootUri } from './datatypes/identifier.datatype.js';
export { humanNames, addresses, telecoms } from './datatypes/demographics.datatype.js';
export { narrativeOf } from './datatypes/narrative.datatype.js';
export { practitionerOf, organizationOf, deviceOf } from './datatypes/participant.datatype.js';
export type {
  Address,
  Annotation,
  CodeableConcept,
  Coding,
  ContactPoint,
  Extension,
  HumanName,
  Identifier,
  Narrative,
  ObservationValue,
  Period,
  Quantity,
  Range,
  Ratio,
  Reference,
} from './fhir-datatypes.model.js';
