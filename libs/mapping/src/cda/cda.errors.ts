import { HieError } from '@hie/common';

/** Why a CDA document cannot be converted at all (PHI-free: element names only). */
export type CdaConversionErrorCode =
  /** The root element is not a CDA ClinicalDocument. */
  | 'CDA_NOT_A_DOCUMENT'
  /** A header element without which there is no document to store (recordTarget). */
  | 'CDA_REQUIRED_MISSING';

/** A CDA document that cannot be converted; details name the element, never a value. */
export class CdaConversionError extends HieError {
  constructor(code: CdaConversionErrorCode, message: string, details: Readonly<Record<string, unknown>> = {}) {
    super(code, message, details);
  }
}
