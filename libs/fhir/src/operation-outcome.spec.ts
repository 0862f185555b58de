import { HieError, InvalidInputError, NotFoundError } from '@hie/common';
import { describe, expect, it } from 'vitest';
import { createR4Validator } from './r4-validator.js';
import { FhirValidationError, hasErrors, HIE_ERROR_CODE_SYSTEM, operationOutcome, outcomeFromError } from './operation-outcome.js';

describe('operationOutcome / hasErrors', () => {
  it('wraps issues, and says "no issues" when there are none (issue is 1..*)', () => {
    const issue = { severity: 'error' as const, code: 'value', expression: ['Patient.gender'] };
    expect(operationOutcome([issue])).toEqual({ resourceType: 'OperationOutcome', issue: [issue] });
    const empty = operationOutcome([]);
    expect(empty.issue).toHaveLength(1);
    expect(empty.issue[0]?.severity).toBe('information');
    expect(createR4Validator().validate(empty)).toEqual([]);
  });

  it('counts fatal and error, not warning or information', () => {
    expect(hasErrors([])).toBe(false);
    expect(hasErrors([{ severity: 'warning', code: 'x' }, { severity: 'information', code: 'x' }])).toBe(false);
    expect(hasErrors([{ severity: 'warning', code: 'x' }, { severity: 'error', code: 'x' }])).toBe(true);
    expect(hasErrors([{ severity: 'fatal', code: 'x' }])).toBe(true);
  });
});

describe('outcomeFromError', () => {
  it('turns a HieError into one issue with its code, message and details, no stack', () => {
    const outcome = outcomeFromError(new HieError('HL7_MISSING_MSH', 'The message has no MSH segment', { segment: 'MSH' }));
    expect(outcome.issue).toEqual([
      {
        severity: 'error',
        code: 'processing',
        details: { coding: [{ system: HIE_ERROR_CODE_SYSTEM, code: 'HL7_MISSING_MSH' }], text: 'The message has no MSH segment' },
        diagnostics: '{"segment":"MSH"}',
      },
    ]);
    expect(JSON.stringify(outcome)).not.toMatch(/at .*\.ts|stack/);
    expect(createR4Validator().validate(outcome)).toEqual([]);
  });

  it('maps the HieError subclasses to issue types', () => {
    expect(outcomeFromError(new NotFoundError('Patient')).issue[0]?.code).toBe('not-found');
    expect(outcomeFromError(new InvalidInputError('BAD', 'bad')).issue[0]?.code).toBe('invalid');
  });

  it('returns the issues of a FhirValidationError', () => {
    const issues = createR4Validator().validate({ resourceType: 'Patient', gender: 'x' });
    expect(outcomeFromError(new FhirValidationError(issues)).issue).toEqual(issues);
  });

  it('gives only the class of an unknown error, never its message (it may quote data)', () => {
    const outcome = outcomeFromError(new TypeError('cannot read John Doe 1970-01-01'));
    expect(outcome.issue).toEqual([{ severity: 'fatal', code: 'exception', diagnostics: 'Unexpected TypeError' }]);
    expect(outcomeFromError('a string').issue[0]?.diagnostics).toBe('Unexpected string');
  });
});
