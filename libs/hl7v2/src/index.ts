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
