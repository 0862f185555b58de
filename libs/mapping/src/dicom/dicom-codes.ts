import type { OperationOutcomeIssue } from '@hie/fhir';
import { asSystemUri } from '../transforms/value.transforms.js';
import { itemsOf, TAG, textOf, type DicomJsonDataset } from './dicom-json.reader.js';
import type { DicomTables } from './dicom-tables.js';

/** A FHIR Coding / CodeableConcept as this converter writes them (only non-empty parts). */
export interface DicomCoding {
  system?: string;
  code?: string;
  display?: string;
}
export interface DicomCodeableConcept {
  coding?: DicomCoding[];
  text?: string;
}

/**
 * A code sequence item (CodeValue / LongCodeValue / URNCodeValue, CodingSchemeDesignator,
 * CodeMeaning) → CodeableConcept. A scheme not in `mappings/dicom/coding-schemes.yaml` (a local
 * 99xxx scheme) keeps only the meaning as text, since a code without its system says nothing.
 */
export function conceptOfCodeItem(item: DicomJsonDataset, tables: DicomTables): DicomCodeableConcept | undefined {
  const meaning = textOf(item, TAG.CodeMeaning);
  const urn = textOf(item, TAG.URNCodeValue);
  const code = textOf(item, TAG.CodeValue) ?? textOf(item, TAG.LongCodeValue);
  const designator = textOf(item, TAG.CodingSchemeDesignator);
  let coding: DicomCoding | undefined;
  if (code !== undefined && designator !== undefined) {
    const system = tables.codingScheme(designator);
    if (system) coding = { system, code, ...(meaning ? { display: meaning } : {}) };
  } else if (urn !== undefined) {
    coding = { system: 'urn:ietf:rfc:3986', code: urn, ...(meaning ? { display: meaning } : {}) };
  }
  if (coding) return { coding: [coding] };
  return meaning ? { text: meaning } : undefined;
}

/** An issuer sequence item's Universal Entity ID (+ type) as an identifier system, as the HL7 map's hdSystem does. */
export function issuerSystem(item: DicomJsonDataset | undefined): string | undefined {
  const universal = textOf(item, TAG.UniversalEntityID);
  return universal === undefined ? undefined : asSystemUri(universal, textOf(item, TAG.UniversalEntityIDType) ?? '');
}

/** The first item of a sequence, if any. */
export function firstItem(ds: DicomJsonDataset | undefined, tag: string): DicomJsonDataset | undefined {
  return itemsOf(ds, tag)[0];
}

/** A PHI-free warning naming the DICOM attribute (never its value). */
export function dicomWarning(tag: string, diagnostics: string): OperationOutcomeIssue {
  return { severity: 'warning', code: 'value', diagnostics, expression: [`(${tag.slice(0, 4)},${tag.slice(4)})`] };
}
