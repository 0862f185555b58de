/**
 * HL7 v2: parse, serialise, access fields 1-based, build ACKs, frame MLLP.
 * Pure: no I/O, no Nest.
 */
export type {
  Hl7Component,
  Hl7Repetition,
  Hl7Field,
  Hl7Segment,
  Hl7Delimiters,
  Hl7Header,
  Hl7Message,
} from './hl7-message.model.js';
export { parseHl7, type ParseHl7Options } from './hl7.parser.js';
export { serializeHl7, type SerializeHl7Options } from './hl7.serializer.js';
export { Hl7ParseError, type Hl7ParseErrorCode, type Hl7ParseErrorDetails } from './hl7-parse-error.js';
export { getValue, findSegments } from './hl7-access.js';
export { readHeaderLeniently, type LenientHeader } from './hl7-header.lenient-reader.js';
export { buildAck, type AckError, type AckRequest, type AckOptions } from './ack.builder.js';
export { MllpDecoder, encodeMllp, OVERSIZE_HEAD_BYTES, type MllpEvent, type MllpDecoderOptions } from './mllp.decoder.js';
export { encodeHl7Text, decodeHl7Text } from './hl7-text.codec.js';
export { DEFAULT_DELIMITERS } from './hl7-delimiters.js';
