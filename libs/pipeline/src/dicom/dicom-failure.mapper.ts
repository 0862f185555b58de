import { HieError } from '@hie/common';
import type { DicomRefusalCode } from '@hie/dicom';
import { HIE_ERROR_CODE_SYSTEM, type OperationOutcome } from '@hie/fhir';

/** Every code a DICOM intake can refuse with: the reader's, the intake checks', and a store failure. */
export type DicomIntakeRefusalCode = DicomRefusalCode | 'DICOM_STUDY_MISMATCH' | 'DICOM_SOP_MISMATCH' | 'DICOM_STORE_FAILED';

/** A refusal: its code and a PHI-free reason (names tags, offsets and limits, never values). */
export interface DicomFailure {
  readonly code: DicomIntakeRefusalCode;
  readonly reason: string;
}

/** FHIR IssueType per code (`too-long` for the header limit, `conflict` for a mismatch...). */
const ISSUE_TYPES: Readonly<Record<DicomIntakeRefusalCode, string>> = {
  DICOM_NOT_PART10: 'structure',
  DICOM_TRUNCATED: 'incomplete',
  DICOM_LENGTH_BEYOND_END: 'structure',
  DICOM_BAD_ENCODING: 'structure',
  DICOM_UNKNOWN_TRANSFER_SYNTAX: 'not-supported',
  DICOM_MISSING_ATTRIBUTE: 'required',
  DICOM_HEADER_TOO_LARGE: 'too-long',
  DICOM_STUDY_MISMATCH: 'conflict',
  DICOM_SOP_MISMATCH: 'conflict',
  DICOM_STORE_FAILED: 'transient',
};

const KNOWN = new Set<string>(Object.keys(ISSUE_TYPES));

/**
 * A thrown value as a refusal: the reader's DicomRefusedError keeps its code and message (PHI-free
 * by its contract); anything else the reader throws is read as bad encoding, with no detail of
 * its cause (its message could carry anything).
 */
export function dicomFailureFromError(error: unknown): DicomFailure {
  if (error instanceof HieError && KNOWN.has(error.code)) return { code: error.code as DicomIntakeRefusalCode, reason: error.message };
  return { code: 'DICOM_BAD_ENCODING', reason: 'The object could not be read as DICOM' };
}

/** The OperationOutcome kept with a refused instance: issue type, the reason, the refusal code. */
export function dicomOutcome(failure: DicomFailure): OperationOutcome {
  return {
    resourceType: 'OperationOutcome',
    issue: [
      {
        severity: 'error',
        code: ISSUE_TYPES[failure.code] ?? 'exception',
        details: { text: failure.reason, coding: [{ system: HIE_ERROR_CODE_SYSTEM, code: failure.code }] },
      },
    ],
  };
}
