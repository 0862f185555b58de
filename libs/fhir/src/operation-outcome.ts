import { HieError, InvalidInputError, NotFoundError } from '@hie/common';
import type { OperationOutcome, OperationOutcomeIssue } from './fhir-resource.model.js';

/** The code system under which HieError codes appear in OperationOutcome.issue.details. */
export const HIE_ERROR_CODE_SYSTEM = 'urn:hie:error-code';

/**
 * A resource failed FHIR validation. Carries the validator's issues (PHI-free: element paths
 * and rule names only), which {@link outcomeFromError} returns as they are.
 */
export class FhirValidationError extends HieError {
  constructor(readonly issues: readonly OperationOutcomeIssue[]) {
    super('FHIR_INVALID', `FHIR validation failed with ${issues.length} issue(s)`, { issueCount: issues.length });
  }
}

/** An OperationOutcome for these issues; with none, a single informational "all OK" issue (R4 requires 1..*). */
export function operationOutcome(issues: OperationOutcomeIssue[]): OperationOutcome {
  return {
    resourceType: 'OperationOutcome',
    issue: issues.length > 0 ? issues : [{ severity: 'information', code: 'informational', diagnostics: 'No issues' }],
  };
}

/** True when any issue is fatal or an error (warnings and information do not fail a resource). */
export function hasErrors(issues: readonly OperationOutcomeIssue[]): boolean {
  return issues.some((issue) => issue.severity === 'error' || issue.severity === 'fatal');
}

function issueTypeOf(error: HieError): string {
  if (error instanceof NotFoundError) return 'not-found';
  if (error instanceof InvalidInputError) return 'invalid';
  return 'processing';
}

/**
 * The OperationOutcome for a thrown error. A {@link FhirValidationError} gives its issues; any
 * other HieError one issue with its code (details.coding) and message (details.text) and its
 * PHI-free details as diagnostics; anything else an `exception` issue naming only the error
 * class, since a foreign error's message may quote data. Never a stack trace.
 */
export function outcomeFromError(error: unknown): OperationOutcome {
  if (error instanceof FhirValidationError && error.issues.length > 0) return operationOutcome([...error.issues]);
  if (error instanceof HieError) {
    const issue: OperationOutcomeIssue = {
      severity: 'error',
      code: issueTypeOf(error),
      details: { coding: [{ system: HIE_ERROR_CODE_SYSTEM, code: error.code }], text: error.message },
    };
    if (Object.keys(error.details).length > 0) issue.diagnostics = JSON.stringify(error.details);
    return operationOutcome([issue]);
  }
  const name = error instanceof Error ? error.name : typeof error;
  return operationOutcome([{ severity: 'fatal', code: 'exception', diagnostics: `Unexpected ${name}` }]);
}
