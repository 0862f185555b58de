import { HieError } from '@hie/common';

/** Why a message could not be parsed; each maps to one clear AE/AR ACK. */
export type Hl7ParseErrorCode =
  | 'HL7_EMPTY'
  | 'HL7_MISSING_MSH'
  | 'HL7_BAD_DELIMITERS'
  | 'HL7_BAD_SEGMENT'
  | 'HL7_BAD_CHARSET'
  | 'HL7_TOO_LARGE'
  | 'HL7_NOT_TEXT';

/**
 * Where the parser gave up. PHI-free: positions only, never content.
 * A type alias rather than an interface, so it fits HieError's record of details.
 */
export type Hl7ParseErrorDetails = {
  /** Segment id (e.g. `PID`) when it is a well-formed name; never other message text. */
  readonly segment?: string;
  /** 1-based position of the segment in the message. */
  readonly segmentIndex?: number;
  /** 1-based field number. */
  readonly field?: number;
  /** Limit or size facts (bytes), for HL7_TOO_LARGE. */
  readonly maxBytes?: number;
  readonly totalBytes?: number;
};

/**
 * The only error {@link parseHl7} throws. `code` says why; `details` says where.
 * The message text never contains message content, so it is safe to log.
 */
export class Hl7ParseError extends HieError {
  declare readonly code: Hl7ParseErrorCode;
  declare readonly details: Readonly<Hl7ParseErrorDetails>;

  constructor(code: Hl7ParseErrorCode, message: string, details: Hl7ParseErrorDetails = {}) {
    super(code, message, details);
  }
}
