/**
 * The parsed shape of an HL7 v2 message. Values are already unescaped (the parser turns
 * `\F\`, `\S\`, `\Xhh\`... into characters); the serialiser escapes them again.
 *
 * Positions are 1-based as the standard writes them: `segment.fields[3]` is PID-3,
 * `field[0]` is the first repetition, `repetition[0]` is component 1, `component[0]` is
 * sub-component 1. A missing position is `undefined`; HL7's explicit null `""` is kept as
 * the two-character string `""` so it can be told apart from "not sent".
 */

/** A component: its sub-components (at least one). */
export type Hl7Component = string[];
/** One repetition of a field: its components (at least one). */
export type Hl7Repetition = Hl7Component[];
/** A field: its repetitions (at least one when the field is present). */
export type Hl7Field = Hl7Repetition[];

/**
 * One segment. `parseHl7` returns segments other than MSH/BHS/FHS with `fields` split on
 * first read (an own enumerable accessor that caches): it reads, spreads, serialises to
 * JSON and deep-compares like the plain object, and any object of this shape is accepted.
 */
export interface Hl7Segment {
  /** Three-character id, e.g. `PID`, `ZPD`. Z-segments are kept like any other. */
  readonly name: string;
  /**
   * `fields[n]` is field n (1-based); `fields[0]` is unused.
   * For MSH, `fields[1]` is the field separator and `fields[2]` the encoding characters,
   * each held as a single one-component value, so MSH-n lines up with the standard.
   */
  readonly fields: Hl7Field[];
}

export interface Hl7Delimiters {
  readonly field: string; // usually |
  readonly component: string; // ^
  readonly repetition: string; // ~
  readonly escape: string; // \
  readonly subcomponent: string; // &
  /** v2.7+ truncation character (#), when MSH-2 has five characters. */
  readonly truncation?: string;
}

/** The header facts every stage needs, read once from MSH. */
export interface Hl7Header {
  readonly sendingApplication: string; // MSH-3.1
  readonly sendingFacility: string; // MSH-4.1
  readonly receivingApplication: string; // MSH-5.1
  readonly receivingFacility: string; // MSH-6.1
  readonly dateTime: string; // MSH-7 raw
  readonly messageCode: string; // MSH-9.1, e.g. ADT
  readonly triggerEvent: string; // MSH-9.2, e.g. A01
  readonly messageStructure: string; // MSH-9.3, e.g. ADT_A01 (may be empty)
  readonly controlId: string; // MSH-10
  readonly processingId: string; // MSH-11.1
  readonly version: string; // MSH-12.1, e.g. 2.5.1
  readonly characterSet: string; // MSH-18.1 ('' when absent)
}

export interface Hl7Message {
  readonly delimiters: Hl7Delimiters;
  readonly header: Hl7Header;
  /** All segments in order, MSH first. */
  readonly segments: Hl7Segment[];
}
