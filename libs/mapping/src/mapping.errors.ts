import { HieError } from '@hie/common';

/** A mapping file is malformed: details `{ file, key }` name the file and the offending key path. */
export class MappingError extends HieError {
  constructor(file: string, key: string, reason: string) {
    super('MAPPING_INVALID', `${file}: ${key ? `${key}: ` : ''}${reason}`, { file, key });
  }
}

/** Why a message cannot be converted; the MLLP edge maps these onto ACK codes. */
export type ConversionErrorCode =
  | 'HL7_UNSUPPORTED_MESSAGE' // ACK AR, HL7 error 200
  | 'HL7_REQUIRED_MISSING' // ACK AE, HL7 error 101
  | 'HL7_BAD_VALUE' // ACK AE, HL7 error 102
  | 'CONVERSION_FAILED'; // ACK AE, HL7 error 207

/**
 * A message that cannot be converted. Details are PHI-free positions:
 * `{ segment, segmentIndex, field }` for missing/bad values, never the value itself.
 */
export class ConversionError extends HieError {
  constructor(code: ConversionErrorCode, message: string, details: Readonly<Record<string, unknown>> = {}) {
    super(code, message, details);
  }
}
