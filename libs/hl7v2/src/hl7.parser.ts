import { constants } from 'node:buffer';
import { decodeBytes, decodeEscapedBytes, latin1, lookupCharset, type Hl7Charset } from './hl7-charset.js';
import { readDeclaredDelimiters } from './hl7-delimiters.js';
import { unescapeValue } from './hl7-escape.codec.js';
import { headerFromMsh } from './hl7-header.reader.js';
import { LazySegment } from './hl7-lazy-segment.js';
import type { Hl7Message, Hl7Segment } from './hl7-message.model.js';
import { Hl7ParseError } from './hl7-parse-error.js';
import { SegmentParser } from './hl7-segment.parser.js';

/** Options for {@link parseHl7}. */
export interface ParseHl7Options {
  /** Refuse input larger than this many bytes (UTF-8 bytes for a string) with HL7_TOO_LARGE. */
  readonly maxBytes?: number;
}

/** Control characters no HL7 text contains; 0x0B and 0x1C are MLLP framing leaking in. */
const NOT_TEXT = /[\x00-\x08\x0b\x0e-\x1f]/;

/**
 * Parses one HL7 v2 message (ER7, the pipe-and-hat encoding).
 *
 * Bytes are decoded per MSH-18 (read from the raw bytes first); a UTF-8 byte-order mark
 * is dropped; segments may end in CR, LF or CRLF, and blank lines are ignored. Values are
 * unescaped (see `unescapeValue`); empty fields are `undefined`, HL7's `""` null is kept.
 * Z-segments are kept like any other. Runs in time linear in the input. Every line is
 * checked here, but a segment's fields (other than MSH's) are split when first read.
 *
 * @throws Hl7ParseError and nothing else.
 */
export function parseHl7(input: string | Uint8Array, options: ParseHl7Options = {}): Hl7Message {
  try {
    const { text, charset } = typeof input === 'string' ? fromString(input, options) : fromBytes(input, options);
    return parseText(text, charset);
  } catch (error) {
    // V8's own limits (string length, array length) surface as RangeError on absurd input.
    if (error instanceof RangeError) throw tooLarge(options.maxBytes ?? MAX_TEXT_BYTES, inputBytes(input));
    throw error;
  }
}

/** The longest string V8 can hold: bytes beyond it cannot become text at all. */
const MAX_TEXT_BYTES = constants.MAX_STRING_LENGTH;

function inputBytes(input: string | Uint8Array): number {
  return typeof input === 'string' ? input.length : input.byteLength;
}

function fromString(input: string, options: ParseHl7Options): { text: string; charset: Hl7Charset } {
  const max = options.maxBytes;
  if (max !== undefined && input.length > max / 3) {
    const total = Buffer.byteLength(input, 'utf8');
    if (total > max) throw tooLarge(max, total);
  }
  const text = input.charCodeAt(0) === 0xfeff ? input.slice(1) : input;
  const start = locateMsh(text);
  return { text, charset: charsetOf(text, start) };
}

function fromBytes(input: Uint8Array, options: ParseHl7Options): { text: string; charset: Hl7Charset } {
  const max = Math.min(options.maxBytes ?? MAX_TEXT_BYTES, MAX_TEXT_BYTES);
  if (input.byteLength > max) throw tooLarge(max, input.byteLength);
  const bytes = hasUtf8Bom(input) ? input.subarray(3) : input;
  // Every supported character set is ASCII-compatible, so MSH reads the same as Latin-1.
  const head = latin1(bytes.subarray(0, firstLineEnd(bytes)));
  const charset = charsetOf(head, locateMsh(head));
  const text = decodeBytes(bytes, charset);
  if (text === undefined) {
    throw new Hl7ParseError('HL7_BAD_CHARSET', 'Message bytes are not valid in the MSH-18 character set', {
      segment: 'MSH',
      segmentIndex: 1,
      field: 18,
    });
  }
  return { text, charset };
}

function tooLarge(maxBytes: number, totalBytes: number): Hl7ParseError {
  return new Hl7ParseError('HL7_TOO_LARGE', `Message of ${totalBytes} bytes exceeds the ${maxBytes}-byte limit`, {
    maxBytes,
    totalBytes,
  });
}

function hasUtf8Bom(b: Uint8Array): boolean {
  return b.length >= 3 && b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf;
}

/** End of the first non-blank line, so only MSH is sniffed before the real decode. */
function firstLineEnd(b: Uint8Array): number {
  let i = 0;
  while (i < b.length && isBlankCode(b[i]!)) i++;
  const cr = b.indexOf(0x0d, i);
  const lf = b.indexOf(0x0a, i);
  if (cr === -1) return lf === -1 ? b.length : lf;
  return lf === -1 ? cr : Math.min(cr, lf);
}

function isBlankCode(c: number): boolean {
  return c === 0x0d || c === 0x0a || c === 0x20 || c === 0x09;
}

/** Index where `MSH` starts, after any leading blank lines. */
function locateMsh(text: string): number {
  let i = 0;
  while (i < text.length && isBlankCode(text.charCodeAt(i))) i++;
  if (i === text.length) throw new Hl7ParseError('HL7_EMPTY', 'Message is empty');
  if (text.startsWith('MSH', i)) return i;
  if (NOT_TEXT.test(text.slice(i, i + 1024))) {
    throw new Hl7ParseError('HL7_NOT_TEXT', 'Message is not text (control bytes before any MSH)');
  }
  throw new Hl7ParseError('HL7_MISSING_MSH', 'Message does not start with an MSH segment', { segmentIndex: 1 });
}

function charsetOf(text: string, mshStart: number): Hl7Charset {
  const end = lineEnd(text, mshStart);
  const line = text.slice(mshStart, end);
  const declared = readDeclaredDelimiters(line);
  if (declared === undefined) throw badDelimiters();
  const d = declared.delimiters;
  // MSH-18 is MSH-1-based field 18, i.e. the 16th separator-delimited value after MSH-2.
  const msh18 =
    declared.restStart === undefined ? undefined : line.slice(declared.restStart).split(d.field, 16)[15];
  const raw = msh18 === undefined ? '' : msh18.split(d.repetition, 1)[0]!.split(d.component, 1)[0]!.split(d.subcomponent, 1)[0]!;
  const charset = lookupCharset(raw.indexOf(d.escape) === -1 ? raw : unescapeValue(raw, d, latin1));
  if (charset === undefined) {
    throw new Hl7ParseError('HL7_BAD_CHARSET', 'MSH-18 names an unknown or unsupported character set', {
      segment: 'MSH',
      segmentIndex: 1,
      field: 18,
    });
  }
  return charset;
}

function badDelimiters(): Hl7ParseError {
  return new Hl7ParseError(
    'HL7_BAD_DELIMITERS',
    'MSH-1/MSH-2 must declare 4 or 5 distinct non-alphanumeric encoding characters',
    { segment: 'MSH', segmentIndex: 1, field: 2 },
  );
}

function lineEnd(text: string, from: number): number {
  const cr = text.indexOf('\r', from);
  const lf = text.indexOf('\n', from);
  if (cr === -1) return lf === -1 ? text.length : lf;
  return lf === -1 ? cr : Math.min(cr, lf);
}

function parseText(text: string, charset: Hl7Charset): Hl7Message {
  const start = locateMsh(text);
  const declared = readDeclaredDelimiters(text.slice(start, lineEnd(text, start)));
  if (declared === undefined) throw badDelimiters();
  const d = declared.delimiters;
  const body = start === 0 ? text : text.slice(start);
  const bad = NOT_TEXT.exec(body);
  if (bad !== null) {
    throw new Hl7ParseError('HL7_NOT_TEXT', 'Message contains control bytes that are not text', {
      segmentIndex: segmentIndexAt(body, bad.index),
    });
  }
  const lines = splitLines(body);
  const parser = new SegmentParser(d, (bytes) => decodeEscapedBytes(bytes, charset));
  const segments: Hl7Segment[] = [];
  // Every line is checked now (segment id, separator, header encoding characters), so
  // the error contract is the parse's; only the splitting of other segments' fields waits
  // until they are first read (see LazySegment).
  for (const line of lines) {
    if (line.length === 0 || (line.charCodeAt(0) <= 0x20 && line.trim() === '')) continue;
    const index = segments.length + 1;
    const name = parser.checkStart(line, index);
    const header = name === 'MSH' || name === 'BHS' || name === 'FHS';
    segments.push(header ? parser.parseHeader(name, line, index) : new LazySegment(name, line, parser));
  }
  const msh = segments[0]!;
  return { delimiters: d, header: headerFromMsh(msh), segments };
}

/** Segments end in CR, LF or CRLF; empty strings (blank lines) are skipped by the caller. */
function splitLines(text: string): string[] {
  const hasLf = text.indexOf('\n') !== -1;
  if (!hasLf) return text.split('\r');
  if (text.indexOf('\r') === -1) return text.split('\n');
  const lines: string[] = [];
  for (const part of text.split('\n')) {
    if (part.indexOf('\r') === -1) lines.push(part);
    else for (const line of part.split('\r')) lines.push(line);
  }
  return lines;
}

/** 1-based segment number of a character position, for errors that point at a segment. */
function segmentIndexAt(text: string, index: number): number {
  let n = 1;
  let inBlank = false;
  for (let i = 0; i < index; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x0d || c === 0x0a) inBlank = true;
    else if (inBlank) {
      n++;
      inBlank = false;
    }
  }
  return n;
}
