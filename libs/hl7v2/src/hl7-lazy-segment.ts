import type { Hl7Delimiters, Hl7Field, Hl7Segment } from './hl7-message.model.js';
import type { SegmentParser } from './hl7-segment.parser.js';

/**
 * A segment whose fields are split from its line on first read. The maps read only some
 * segments of a message (ROL, GT1, DB1, ACC... are often never looked at), and building
 * the nested arrays of every field is most of a parse; the line was already checked when
 * the message was scanned, so reading `fields` later cannot fail.
 *
 * `fields` is an own enumerable accessor (not a prototype getter) so the segment still
 * looks like the plain `{ name, fields }` of the model to `Object.keys`, spread,
 * `JSON.stringify` and deep equality. It stays an accessor after the first read (the
 * value is cached) rather than redefining itself as a data property: one stable object
 * shape keeps property access fast in the consumers.
 */
export class LazySegment implements Hl7Segment {
  readonly name: string;
  declare readonly fields: Hl7Field[];
  #line: string;
  #parser: SegmentParser | undefined;
  #fields: Hl7Field[] | undefined;

  constructor(name: string, line: string, parser: SegmentParser) {
    this.name = name;
    this.#line = line;
    this.#parser = parser;
    this.#fields = undefined;
    Object.defineProperty(this, 'fields', FIELDS);
  }

  /**
   * The line as received, when the fields were never read (so cannot have been changed)
   * and serialising them with `d` would give the same text; otherwise `undefined`.
   */
  static verbatimLine(segment: Hl7Segment, d: Hl7Delimiters): string | undefined {
    if (!(segment instanceof LazySegment) || segment.#parser === undefined) return undefined;
    return segment.#parser.writesVerbatim(segment.#line, d) ? segment.#line : undefined;
  }

  static read(segment: LazySegment): Hl7Field[] {
    let fields = segment.#fields;
    if (fields === undefined) {
      fields = segment.#parser!.splitFields(segment.#line);
      segment.#fields = fields;
      segment.#parser = undefined; // the delimiters and decoder are not needed any more
    }
    return fields;
  }

  static write(segment: LazySegment, fields: Hl7Field[]): void {
    segment.#fields = fields;
    segment.#parser = undefined;
  }

  /** Node's inspector shows `fields: [Getter/Setter]` for an accessor; show the data. */
  [Symbol.for('nodejs.util.inspect.custom')](): Hl7Segment {
    return { name: this.name, fields: this.fields };
  }
}

/**
 * One descriptor object with shared functions, so every lazy segment gets the same hidden
 * class. A setter is there because the data property it stands for was writable.
 */
const FIELDS: PropertyDescriptor = {
  get(this: LazySegment): Hl7Field[] {
    return LazySegment.read(this);
  },
  set(this: LazySegment, fields: Hl7Field[]): void {
    LazySegment.write(this, fields);
  },
  enumerable: true,
  configurable: true,
};
