/**
 * The minimal FHIR R4 shapes the engine passes between stages. Resources are plain JSON;
 * the validator, not the type system, is what holds them to the R4 definitions.
 */
export interface FhirMeta {
  versionId?: string;
  lastUpdated?: string;
  source?: string;
  [element: string]: unknown;
}

export interface FhirResource {
  resourceType: string;
  id?: string;
  meta?: FhirMeta;
  [element: string]: unknown;
}

export type HttpVerb = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface BundleEntry {
  fullUrl?: string;
  resource?: FhirResource;
  request?: { method: HttpVerb; url: string; ifMatch?: string; ifNoneExist?: string };
  response?: { status: string; location?: string; etag?: string; lastModified?: string };
  search?: { mode?: 'match' | 'include' | 'outcome'; score?: number };
}

export interface Bundle extends FhirResource {
  resourceType: 'Bundle';
  type: 'transaction' | 'transaction-response' | 'batch' | 'batch-response' | 'searchset' | 'history' | 'collection' | 'document' | 'message';
  total?: number;
  link?: { relation: string; url: string }[];
  entry?: BundleEntry[];
}

export type IssueSeverity = 'fatal' | 'error' | 'warning' | 'information';

export interface OperationOutcomeIssue {
  severity: IssueSeverity;
  /** An IssueType code: invalid, structure, required, value, not-found, processing, exception, too-long... */
  code: string;
  details?: { text?: string; coding?: { system?: string; code?: string; display?: string }[] };
  diagnostics?: string;
  /** FHIRPath of the element (for FHIR errors) or the HL7 v2 position (e.g. `PID-7`). */
  expression?: string[];
}

export interface OperationOutcome extends FhirResource {
  resourceType: 'OperationOutcome';
  issue: OperationOutcomeIssue[];
}
