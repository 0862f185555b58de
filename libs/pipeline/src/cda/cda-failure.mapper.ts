import { HieError } from '@hie/common';
import { HIE_ERROR_CODE_SYSTEM, type OperationOutcome, type OperationOutcomeIssue } from '@hie/fhir';

/** Why a CDA document was refused at intake or failed to convert, as the HTTP edge and the store say it. */
export interface CdaFailure {
  /** The engine's error code, e.g. `XML_DOCTYPE_REFUSED`. */
  readonly code: string;
  /** FHIR IssueType of the OperationOutcome. */
  readonly issueType: string;
  /** HTTP status of `POST /cda` for this failure. */
  readonly httpStatus: number;
  /** PHI-free text: a fixed sentence per code, never a value from the document. */
  readonly text: string;
  /** The HieError's own message: by the project's rule it names limits and paths, never values. */
  readonly diagnostics?: string;
  /** A PHI-free position (XML path or FHIRPath) when the cause gave one. */
  readonly expression?: string;
}

interface Rule {
  issueType: string;
  httpStatus: number;
  text: string;
}

/** Known codes. Texts are fixed so no document content reaches a log, a response or the store. */
const RULES: Readonly<Record<string, Rule>> = {
  XML_DOCTYPE_REFUSED: { issueType: 'security', httpStatus: 400, text: 'Documents with a DOCTYPE are refused (no DTDs, no entities)' },
  XML_TOO_LARGE: { issueType: 'too-long', httpStatus: 413, text: 'Document exceeds the size limit' },
  XML_TOO_DEEP: { issueType: 'too-costly', httpStatus: 400, text: 'Elements nest deeper than the limit' },
  XML_TOO_MANY_ELEMENTS: { issueType: 'too-costly', httpStatus: 400, text: 'Document has more elements than the limit' },
  XML_MALFORMED: { issueType: 'structure', httpStatus: 400, text: 'Not well-formed XML' },
  CDA_EMPTY: { issueType: 'required', httpStatus: 400, text: 'Empty document' },
  CDA_NOT_CLINICAL_DOCUMENT: { issueType: 'structure', httpStatus: 400, text: 'The root element is not an HL7 v3 ClinicalDocument' },
  CONVERSION_FAILED: { issueType: 'processing', httpStatus: 422, text: 'Conversion failed' },
  FHIR_INVALID: { issueType: 'invalid', httpStatus: 422, text: 'Converted resources are not valid FHIR R4' },
  STORE_UNAVAILABLE: { issueType: 'transient', httpStatus: 503, text: 'Document could not be stored; send it again' },
};

const INTERNAL: Rule = { issueType: 'exception', httpStatus: 500, text: 'Internal error' };

/** Describes a known failure code. */
export function cdaFailure(code: string, extra: { diagnostics?: string; expression?: string } = {}): CdaFailure {
  const rule = RULES[code];
  return { ...(rule ?? INTERNAL), code: rule ? code : 'INTERNAL_ERROR', ...extra };
}

/**
 * Any thrown value as a failure. XML refusals keep their rule; other domain errors (the
 * converter's `CDA_REQUIRED_MISSING`...) keep their own code as a conversion failure (422), with
 * their message as diagnostics (PHI-free by the project's rule); anything else is an internal
 * error that says nothing of its cause.
 */
export function cdaFailureFromError(error: unknown): CdaFailure {
  if (!(error instanceof HieError)) return cdaFailure('INTERNAL_ERROR');
  const at = error.details['path'] ?? error.details['element'];
  const extra = { diagnostics: error.message, ...(typeof at === 'string' && at.length > 0 ? { expression: at } : {}) };
  if (RULES[error.code]) return cdaFailure(error.code, extra);
  return { ...cdaFailure('CONVERSION_FAILED', extra), code: error.code };
}

/** The OperationOutcome issue kept with a failed document and answered to its sender. */
export function cdaIssue(f: CdaFailure): OperationOutcomeIssue {
  return {
    severity: 'error',
    code: f.issueType,
    details: { text: f.text, coding: [{ system: HIE_ERROR_CODE_SYSTEM, code: f.code }] },
    ...(f.diagnostics ? { diagnostics: f.diagnostics } : {}),
    ...(f.expression ? { expression: [f.expression] } : {}),
  };
}

/** An OperationOutcome of these issues. */
export function outcomeOf(issues: readonly OperationOutcomeIssue[]): OperationOutcome {
  return { resourceType: 'OperationOutcome', issue: [...issues] };
}
