import { attr, child, descend, HL7_V3_NAMESPACE, textOf, type XmlElement } from '@hie/cda';

/** What the message store's summary columns hold for a CDA document. */
export interface ClinicalDocumentSummary {
  /** ClinicalDocument/id: extension, else root. */
  readonly controlId?: string;
  /** `CDA^<ClinicalDocument/code/@code>` (the LOINC document type), or `CDA`. */
  readonly messageType: string;
  /** The custodian organization's name. */
  readonly sendingFacility?: string;
}

/**
 * True for an HL7 v3 `ClinicalDocument` root: the reader names elements of the v3 namespace by
 * their local name, so the name must be bare AND the root must bind that namespace (default or
 * prefixed), which tells a CDA from any other XML that happens to use the same word.
 */
export function isClinicalDocument(root: XmlElement): boolean {
  if (root.name !== 'ClinicalDocument') return false;
  for (const [name, value] of Object.entries(root.attributes)) {
    if (value === HL7_V3_NAMESPACE && (name === 'xmlns' || name.startsWith('xmlns:'))) return true;
  }
  return false;
}

/**
 * The header facts intake stores beside the raw bytes, for listings and operators: identifiers
 * of the document and its custodian, never anything about the patient.
 */
export function summarizeDocument(root: XmlElement): ClinicalDocumentSummary {
  const id = child(root, 'id');
  const code = attr(child(root, 'code'), 'code');
  const facility = textOf(descend(root, 'custodian', 'assignedCustodian', 'representedCustodianOrganization', 'name'));
  return {
    ...optional('controlId', clip(attr(id, 'extension') ?? attr(id, 'root'))),
    messageType: code ? clip(`CDA^${code}`) ?? 'CDA' : 'CDA',
    ...optional('sendingFacility', clip(facility)),
  };
}

function optional<K extends string>(key: K, value: string | undefined): Partial<Record<K, string>> {
  return value ? ({ [key]: value } as Record<K, string>) : {};
}

/** Values from the document can be anything: keep summary columns short. */
function clip(value: string | undefined): string | undefined {
  if (!value) return undefined;
  return value.length > 64 ? value.slice(0, 64) : value;
}
