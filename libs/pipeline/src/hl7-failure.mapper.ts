import { HieError } from '@hie/common';
import { HIE_ERROR_CODE_SYSTEM, type OperationOutcomeIssue } from '@hie/fhir';
import type { AckError } from '@hie/hl7v2';

/** One reason a message was refused or failed, in terms both edges can speak. */
export interface Hl7Failure {
  /** `AR`: the message as a whole was refused; `AE`: it was read but its content is in error. */
  readonly ack: 'AE' | 'AR';
  /** HL7 table 0357 code (100 segment sequence, 101 required missing, 102 data type, 103 table value, 200 type, 203 version, 207 internal). */
  readonly v2Code: string;
  /** The engine's own error code, e.g. `HL7_MISSING_MSH`. */
  readonly code: string;
  /** FHIR IssueType for the OperationOutcome. */
  readonly issueType: string;
  /** PHI-free text: a fixed sentence per code, never a value from the message. */
  readonly text: string;
  readonly segment?: string;
  readonly segmentIndex?: number;
  readonly field?: number;
  readonly component?: number;
  /** The HieError's own message: by the project's rule it names positions and limits, never values. */
  readonly diagnostics?: string;
}

interface Rule {
  ack: 'AE' | 'AR';
  v2Code: string;
  issueType: string;
  text: string;
}

/** Known error codes. Texts are fixed so no message content can reach a log or an ACK. */
const RULES: Readonly<Record<string, Rule>> = {
  HL7_EMPTY: { ack: 'AR', v2Code: '100', issueType: 'structure', text: 'Empty message' },
  HL7_NOT_TEXT: { ack: 'AR', v2Code: '100', issueType: 'structure', text: 'Not an HL7 v2 message' },
  HL7_MISSING_MSH: { ack: 'AR', v2Code: '100', issueType: 'structure', text: 'Message does not start with an MSH segment' },
  HL7_BAD_DELIMITERS: { ack: 'AR', v2Code: '102', issueType: 'structure', text: 'Bad field separator or encoding characters in MSH-1/MSH-2' },
  HL7_BAD_CHARSET: { ack: 'AR', v2Code: '103', issueType: 'not-supported', text: 'Unsupported character set in MSH-18' },
  HL7_TOO_LARGE: { ack: 'AR', v2Code: '207', issueType: 'too-long', text: 'Message exceeds the size limit' },
  HL7_BAD_SEGMENT: { ack: 'AE', v2Code: '102', issueType: 'structure', text: 'Malformed segment' },
  HL7_UNSUPPORTED_MESSAGE: { ack: 'AR', v2Code: '200', issueType: 'not-supported', text: 'Unsupported message type' },
  HL7_UNSUPPORTED_VERSION: { ack: 'AR', v2Code: '203', issueType: 'not-supported', text: 'Unsupported HL7 version' },
  HL7_REQUIRED_MISSING: { ack: 'AE', v2Code: '101', issueType: 'required', text: 'Required field missing' },
  HL7_BAD_VALUE: { ack: 'AE', v2Code: '102', issueType: 'value', text: 'Bad value' },
  CONVERSION_FAILED: { ack: 'AE', v2Code: '207', issueType: 'processing', text: 'Conversion failed' },
  FHIR_INVALID: { ack: 'AE', v2Code: '207', issueType: 'invalid', text: 'Converted resources are not valid FHIR R4' },
  STORE_UNAVAILABLE: { ack: 'AR', v2Code: '207', issueType: 'transient', text: 'Message could not be stored; send it again' },
};

const INTERNAL: Rule = { ack: 'AE', v2Code: '207', issueType: 'exception', text: 'Internal error' };

/** Describes a known failure code with an optional v2 position. */
export function failure(code: string, position: Partial<Pick<Hl7Failure, 'segment' | 'segmentIndex' | 'field' | 'component' | 'diagnostics'>> = {}): Hl7Failure {
  const rule = RULES[code] ?? INTERNAL;
  return { ...rule, code: RULES[code] ? code : 'INTERNAL_ERROR', ...position };
}

/** Turns any thrown value into a failure; positions come from a HieError's PHI-free details. */
export function failureFromError(error: unknown): Hl7Failure {
  if (!(error instanceof HieError)) return failure('INTERNAL_ERROR');
  const d = error.details;
  // Control bytes past the MSH are a broken segment in a message we could read: AE, not AR.
  const code = error.code === 'HL7_NOT_TEXT' && typeof d.segmentIndex === 'number' && d.segmentIndex > 1 ? 'HL7_BAD_SEGMENT' : error.code;
  return failure(code, {
    segment: typeof d.segment === 'string' ? d.segment : undefined,
    segmentIndex: typeof d.segmentIndex === 'number' ? d.segmentIndex : undefined,
    field: typeof d.field === 'number' ? d.field : undefined,
    component: typeof d.component === 'number' ? d.component : undefined,
    diagnostics: error.message,
  });
}

/** `PID-7`, `PID-7.1`, `MSH` or undefined: how v2 positions are written in outcomes. */
export function v2Position(f: Pick<Hl7Failure, 'segment' | 'field' | 'component'>): string | undefined {
  if (!f.segment) return undefined;
  if (f.field === undefined) return f.segment;
  return f.component === undefined ? `${f.segment}-${f.field}` : `${f.segment}-${f.field}.${f.component}`;
}

/** The ERR segment content for an ACK. */
export function toAckError(f: Hl7Failure): AckError {
  return {
    segment: f.segment,
    segmentIndex: f.segmentIndex,
    field: f.field,
    component: f.component,
    code: f.v2Code,
    severity: 'E',
    text: f.text,
  };
}

/** The OperationOutcome issue kept with a failed message. */
export function toIssue(f: Hl7Failure): OperationOutcomeIssue {
  const position = v2Position(f);
  return {
    severity: 'error',
    code: f.issueType,
    details: {
      text: f.text,
      coding: [
        { system: HIE_ERROR_CODE_SYSTEM, code: f.code },
        { system: 'http://terminology.hl7.org/CodeSystem/v2-0357', code: f.v2Code },
      ],
    },
    ...(f.diagnostics ? { diagnostics: f.diagnostics } : {}),
    ...(position ? { expression: [position] } : {}),
  };
}
