/**
 * The FHIR R4 datatypes the CDA mappers build. Plain JSON shapes: the R4 validator, not these
 * types, holds the output to the definitions; the types keep mappers from misspelling elements.
 */
export interface Extension {
  url: string;
  valueCode?: string;
  valueCoding?: Coding;
  valueString?: string;
  valueBoolean?: boolean;
  valueDateTime?: string;
  valueCodeableConcept?: CodeableConcept;
  valueReference?: Reference;
  valueQuantity?: Quantity;
  valueAddress?: Address;
  valueInteger?: number;
  extension?: Extension[];
}

export interface Coding {
  system?: string;
  version?: string;
  code?: string;
  display?: string;
  userSelected?: boolean;
}

export interface CodeableConcept {
  coding?: Coding[];
  text?: string;
  extension?: Extension[];
}

export interface Reference {
  extension?: Extension[];
  reference?: string;
  type?: string;
  identifier?: Identifier;
  display?: string;
}

export interface Period {
  start?: string;
  end?: string;
}

export interface Quantity {
  value?: number;
  comparator?: '<' | '<=' | '>=' | '>';
  unit?: string;
  system?: string;
  code?: string;
  extension?: Extension[];
}

export interface Range {
  low?: Quantity;
  high?: Quantity;
}

export interface Ratio {
  numerator?: Quantity;
  denominator?: Quantity;
}

export interface Identifier {
  use?: string;
  type?: CodeableConcept;
  system?: string;
  value?: string;
  extension?: Extension[];
}

export interface HumanName {
  use?: string;
  text?: string;
  family?: string;
  given?: string[];
  prefix?: string[];
  suffix?: string[];
  period?: Period;
}

export interface Address {
  use?: string;
  type?: string;
  text?: string;
  line?: string[];
  city?: string;
  district?: string;
  state?: string;
  postalCode?: string;
  country?: string;
  period?: Period;
}

export interface ContactPoint {
  system?: string;
  value?: string;
  use?: string;
  period?: Period;
}

export interface Narrative {
  status: 'generated' | 'extensions' | 'additional' | 'empty';
  div: string;
}

export interface Annotation {
  text: string;
  time?: string;
  authorReference?: Reference;
}

/** An Observation-style value[x]: exactly one key is set. */
export type ObservationValue =
  | { valueQuantity: Quantity }
  | { valueCodeableConcept: CodeableConcept }
  | { valueString: string }
  | { valueBoolean: boolean }
  | { valueInteger: number }
  | { valueRange: Range }
  | { valueRatio: Ratio }
  | { valueDateTime: string }
  | { valuePeriod: Period };
