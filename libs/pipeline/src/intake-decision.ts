import type { Hl7Delimiters, Hl7Header, Hl7Message } from '@hie/hl7v2';
import { parseHl7, readHeaderLeniently } from '@hie/hl7v2';
import type { MappingSet } from '@hie/mapping';
import { findEmbeddedCda, isDocumentMessage } from './cda/embedded-cda.extractor.js';
import { failure, failureFromError, type Hl7Failure } from './hl7-failure.mapper.js';

/** What intake decided about one raw message, before it is stored. */
export interface IntakeDecision {
  readonly ack: 'AA' | 'AE' | 'AR';
  /** `received` goes on to conversion; `failed` is kept with its outcome and never queued. */
  readonly status: 'received' | 'failed';
  readonly failures: readonly Hl7Failure[];
  /** What could be read of MSH, for the ACK and the store's summary columns. */
  readonly header: Partial<Hl7Header>;
  readonly delimiters: Hl7Delimiters;
}

/** Versions the maps are written for (HL7 v2.3 to v2.8 and their point releases). */
const SUPPORTED_VERSION = /^2\.[3-8](\.\d+)?$/;

/** The inputs a decision needs, beyond the bytes. */
export interface IntakeRules {
  readonly maxMessageBytes: number;
  readonly mappings: Pick<MappingSet, 'supports'>;
}

/**
 * Decides AA / AE / AR for raw bytes: size, then a full parse, then version and message
 * type. AR refuses the message as a whole (nothing usable: no MSH, wrong separators, type
 * or version we do not convert, too big); AE means it was read but a segment is broken.
 * Never throws: every input, even garbage, gets a decision and is stored.
 */
export function decideIntake(raw: Buffer, rules: IntakeRules, totalBytes: number = raw.length): IntakeDecision {
  // The lenient header read is only needed when the parse cannot give the header.
  const refuse = (f: Hl7Failure): IntakeDecision => {
    const { header, delimiters } = readHeaderLeniently(raw);
    return { ack: f.ack, status: 'failed', failures: [f], header, delimiters };
  };

  if (totalBytes > rules.maxMessageBytes) return refuse(failure('HL7_TOO_LARGE'));
  if (isBlank(raw)) return refuse(failure('HL7_EMPTY'));

  let message: Hl7Message;
  try {
    message = parseHl7(raw, { maxBytes: rules.maxMessageBytes });
  } catch (error) {
    return refuse(failureFromError(error));
  }
  const { header, delimiters } = message;
  const refuseParsed = (f: Hl7Failure): IntakeDecision => ({ ack: f.ack, status: 'failed', failures: [f], header, delimiters });
  if (!SUPPORTED_VERSION.test(header.version)) {
    return refuseParsed(failure('HL7_UNSUPPORTED_VERSION', { segment: 'MSH', segmentIndex: 1, field: 12 }));
  }
  // An MDM carrying a CDA document is converted through the CDA path, whatever the v2 maps cover.
  if (!rules.mappings.supports(header) && !(isDocumentMessage(header) && findEmbeddedCda(message))) {
    return refuseParsed(failure('HL7_UNSUPPORTED_MESSAGE', { segment: 'MSH', segmentIndex: 1, field: 9 }));
  }
  return { ack: 'AA', status: 'received', failures: [], header, delimiters };
}

function isBlank(raw: Buffer): boolean {
  const start = raw.length >= 3 && raw[0] === 0xef && raw[1] === 0xbb && raw[2] === 0xbf ? 3 : 0;
  for (let i = start; i < raw.length; i++) {
    const byte = raw[i];
    if (byte !== 0x20 && byte !== 0x09 && byte !== 0x0d && byte !== 0x0a) return false;
  }
  return true;
}
