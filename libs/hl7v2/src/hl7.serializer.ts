import { escapeValue } from './hl7-escape.codec.js';
import { LazySegment } from './hl7-lazy-segment.js';
import type { Hl7Delimiters, Hl7Field, Hl7Message, Hl7Segment } from './hl7-message.model.js';

/** Options for {@link serializeHl7}. */
export interface SerializeHl7Options {
  /** Written after every segment, the last one included. Default `'\r'` (the standard's). */
  readonly segmentSeparator?: string;
}

/**
 * Writes a message back as ER7 text with its own delimiters, escaping every value, so
 * `parseHl7(serializeHl7(m))` deep-equals `m`. MSH-1/MSH-2 (and BHS/FHS) are written from
 * `message.delimiters`, not from the segment's fields.
 */
export function serializeHl7(message: Hl7Message, options: SerializeHl7Options = {}): string {
  const separator = options.segmentSeparator ?? '\r';
  const d = message.delimiters;
  let out = '';
  for (const segment of message.segments) out += serializeSegment(segment, d) + separator;
  return out;
}

/** One segment as ER7 text, without a terminator. */
export function serializeSegment(segment: Hl7Segment, d: Hl7Delimiters): string {
  // An unread segment of a parsed message is its received line when nothing needs escaping.
  const verbatim = LazySegment.verbatimLine(segment, d);
  if (verbatim !== undefined) return verbatim;
  const { name, fields } = segment;
  let out = name;
  let from = 1;
  if (name === 'MSH' || name === 'BHS' || name === 'FHS') {
    out += d.field + d.component + d.repetition + d.escape + d.subcomponent + (d.truncation ?? '');
    from = 3;
  }
  for (let i = from; i < fields.length; i++) {
    const field = fields[i];
    out += d.field;
    if (field !== undefined) out += serializeField(field, d);
  }
  return out;
}

function serializeField(field: Hl7Field, d: Hl7Delimiters): string {
  let out = '';
  for (let r = 0; r < field.length; r++) {
    if (r > 0) out += d.repetition;
    const rep = field[r]!;
    for (let c = 0; c < rep.length; c++) {
      if (c > 0) out += d.component;
      const component = rep[c]!;
      for (let s = 0; s < component.length; s++) {
        if (s > 0) out += d.subcomponent;
        out += escapeValue(component[s]!, d);
      }
    }
  }
  return out;
}
