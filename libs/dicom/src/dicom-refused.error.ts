import { InvalidInputError } from '@hie/common';

/** Why a DICOM object was refused (stable codes: DIMSE and DICOMweb edges map them to statuses). */
export type DicomRefusalCode =
  | 'DICOM_NOT_PART10'
  | 'DICOM_TRUNCATED'
  | 'DICOM_LENGTH_BEYOND_END'
  | 'DICOM_BAD_ENCODING'
  | 'DICOM_UNKNOWN_TRANSFER_SYNTAX'
  | 'DICOM_MISSING_ATTRIBUTE'
  | 'DICOM_HEADER_TOO_LARGE';

/**
 * A DICOM object the engine refuses to read. The message names the structural reason, the tag and
 * the byte offset, never an element's value (values may be PHI).
 */
export class DicomRefusedError extends InvalidInputError {
  declare readonly code: DicomRefusalCode;
  /** Byte offset in the stream (or in the inflated data set for deflated objects) where reading stopped. */
  readonly offset?: number;

  constructor(code: DicomRefusalCode, message: string, offset?: number) {
    super(code, offset === undefined ? message : `${message} (at byte ${offset})`, offset === undefined ? {} : { offset });
    this.offset = offset;
  }
}
