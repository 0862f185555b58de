import type { Hl7Header, Hl7Segment } from './hl7-message.model.js';

/** The header facts of a parsed MSH segment; '' for anything not sent. */
export function headerFromMsh(msh: Hl7Segment): Hl7Header {
  return {
    sendingApplication: first(msh, 3),
    sendingFacility: first(msh, 4),
    receivingApplication: first(msh, 5),
    receivingFacility: first(msh, 6),
    dateTime: first(msh, 7),
    messageCode: first(msh, 9),
    triggerEvent: first(msh, 9, 2),
    messageStructure: first(msh, 9, 3),
    controlId: first(msh, 10),
    processingId: first(msh, 11),
    version: first(msh, 12),
    characterSet: first(msh, 18),
  };
}

function first(segment: Hl7Segment, field: number, component = 1): string {
  return segment.fields[field]?.[0]?.[component - 1]?.[0] ?? '';
}
