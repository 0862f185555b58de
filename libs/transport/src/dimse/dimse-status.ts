import type { DimseStoreResult } from './dimse-store.port.js';

/** C-STORE statuses the SCP answers with (PS3.4 B.2.3, PS3.7 C). */
export const DimseStatus = {
  Success: 0x0000,
  /** Refused: SOP class not supported (data set sent on a context we did not accept). */
  SopClassNotSupported: 0x0122,
  /** Refused: out of resources (store failed, or over a configured limit). */
  OutOfResources: 0xa700,
  /** Error: data set does not match SOP class (missing or contradicting attributes). */
  DataSetDoesNotMatchSopClass: 0xa900,
  /** Error: cannot understand (unreadable, truncated, bad encoding, unknown syntax). */
  CannotUnderstand: 0xc000,
} as const;

/** Internal refusal codes of the SCP itself (not from the intake). */
export const DIMSE_NO_DATA_SET = 'DIMSE_NO_DATA_SET';
export const DIMSE_CONTEXT_NOT_ACCEPTED = 'DIMSE_CONTEXT_NOT_ACCEPTED';
export const DIMSE_TRANSFER_ABORTED = 'DIMSE_TRANSFER_ABORTED';

const STATUS_BY_CODE: Readonly<Record<string, number>> = {
  DICOM_MISSING_ATTRIBUTE: DimseStatus.DataSetDoesNotMatchSopClass,
  DICOM_SOP_MISMATCH: DimseStatus.DataSetDoesNotMatchSopClass,
  DICOM_STUDY_MISMATCH: DimseStatus.DataSetDoesNotMatchSopClass,
  DICOM_NOT_PART10: DimseStatus.CannotUnderstand,
  DICOM_TRUNCATED: DimseStatus.CannotUnderstand,
  DICOM_LENGTH_BEYOND_END: DimseStatus.CannotUnderstand,
  DICOM_BAD_ENCODING: DimseStatus.CannotUnderstand,
  DICOM_UNKNOWN_TRANSFER_SYNTAX: DimseStatus.CannotUnderstand,
  // Our own limit, not a defect of the object: the SCP lacks the resources to take it.
  DICOM_HEADER_TOO_LARGE: DimseStatus.OutOfResources,
  DICOM_STORE_FAILED: DimseStatus.OutOfResources,
  [DIMSE_NO_DATA_SET]: DimseStatus.CannotUnderstand,
  [DIMSE_TRANSFER_ABORTED]: DimseStatus.CannotUnderstand,
  [DIMSE_CONTEXT_NOT_ACCEPTED]: DimseStatus.SopClassNotSupported,
};

/** Error Comment (0000,0902) is LO: at most 64 characters, no backslash, no control characters. */
const MAX_ERROR_COMMENT = 64;

/** The DIMSE status and Error Comment for a store result (`comment` is empty on success). */
export function dimseStoreStatus(result: DimseStoreResult): { status: number; comment: string } {
  if (result.ok) return { status: DimseStatus.Success, comment: '' };
  // Unknown codes are answered "cannot understand": the safe reading of a refusal we cannot place.
  const status = STATUS_BY_CODE[result.code] ?? DimseStatus.CannotUnderstand;
  return { status, comment: errorComment(result.code, result.reason) };
}

/**
 * `CODE: reason`, cut to 64 characters. The intake's reasons name structure (tags, offsets),
 * never values, so the comment carries no PHI.
 */
export function errorComment(code: string, reason?: string): string {
  const text = reason ? `${code}: ${reason}` : code;
  const clean = text.replace(/[\u0000-\u001f\u007f\\]/g, ' ').replace(/[^\u0020-\u007e]/g, '?').trim();
  return clean.length <= MAX_ERROR_COMMENT ? clean : `${clean.slice(0, MAX_ERROR_COMMENT - 3)}...`;
}
