import type { Hl7Message, Hl7Segment } from './hl7-message.model.js';

/**
 * 1-based access as the standard writes it: `getValue(pid, 3, 1, 1, 2)` is PID-3.1.1 of the
 * 2nd repetition. Component, sub-component and repetition default to 1. Returns the
 * unescaped value, or `undefined` when it was not sent (absent or empty); HL7's explicit
 * null comes back as the two-character string `""`.
 */
export function getValue(
  segment: Hl7Segment | undefined,
  field: number,
  component = 1,
  subcomponent = 1,
  repetition = 1,
): string | undefined {
  if (segment === undefined) return undefined;
  const value = segment.fields[field]?.[repetition - 1]?.[component - 1]?.[subcomponent - 1];
  return value === '' ? undefined : value;
}

/** All segments with that id, in message order (empty when there are none). */
export function findSegments(message: Hl7Message, name: string): Hl7Segment[] {
  const found: Hl7Segment[] = [];
  for (const segment of message.segments) if (segment.name === name) found.push(segment);
  return found;
}
