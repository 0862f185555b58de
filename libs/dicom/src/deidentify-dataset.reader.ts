import { inflateRawSync } from 'node:zlib';
import { implicitVrOf } from './dicom-dictionary.js';
import { DicomRefusedError } from './dicom-refused.error.js';
import { VR_NAMES } from './dicom-vr.js';
import {
  EXPLICIT_VR_BIG_ENDIAN,
  EXPLICIT_VR_LITTLE_ENDIAN,
  IMPLICIT_VR_LITTLE_ENDIAN,
  transferSyntaxOf,
} from './transfer-syntax.registry.js';

/*
 * An element tree of a whole Part 10 object, for rewriting (de-identification). Unlike the
 * streaming scanner this holds the object, but never copies values: leaves are views into the
 * input, and encapsulated Pixel Data is one opaque view (all fragments and the delimiter) that
 * the writer copies byte for byte.
 */

/** How a data set is encoded. */
export interface DatasetEncoding {
  readonly explicitVr: boolean;
  readonly littleEndian: boolean;
}

export const IMPLICIT_LE: DatasetEncoding = { explicitVr: false, littleEndian: true };

/** One element. Exactly one of `value`, `items`, `encapsulated` is set. */
export interface DatasetElement {
  /** group << 16 | element */
  readonly tag: number;
  /** The VR as written (explicit), or the dictionary's (implicit; 'UN' when unknown). */
  readonly vr: string;
  readonly value?: Uint8Array;
  readonly items?: DatasetItem[];
  /** Encoding of the items: the data set's, or implicit LE for a sequence stored as UN (PS3.5 6.2.2). */
  readonly itemEncoding?: DatasetEncoding;
  /** Raw fragment items + sequence delimiter of encapsulated Pixel Data. */
  readonly encapsulated?: Uint8Array;
  readonly undefinedLength: boolean;
}

export interface DatasetItem {
  readonly elements: DatasetElement[];
  readonly undefinedLength: boolean;
}

/** A parsed Part 10 object: its file meta elements (explicit VR LE) and the data set. */
export interface Part10Object {
  /** Meta group elements; empty when the input had none (a bare data set). */
  readonly meta: DatasetElement[];
  readonly transferSyntaxUid: string;
  readonly deflated: boolean;
  readonly encoding: DatasetEncoding;
  readonly dataset: DatasetElement[];
}

const MAX_DEPTH = 32;
const ITEM = 0xfffee000;
const ITEM_END = 0xfffee00d;
const SEQUENCE_END = 0xfffee0dd;
const PIXEL_DATA = 0x7fe00010;
const UNDEFINED = 0xffffffff;
const LONG_VRS = new Set(['OB', 'OD', 'OF', 'OL', 'OV', 'OW', 'SQ', 'UC', 'UN', 'UR', 'UT', 'SV', 'UV']);
const VR_SET = new Set<string>(VR_NAMES);

/**
 * Parses a whole Part 10 file (preamble, 'DICM', meta group, data set). A file without preamble
 * and meta is read as a bare data set when it starts with a group 0008 element (VR guessed from
 * the bytes, as the scanner does). Deflated data sets are inflated. Throws DicomRefusedError.
 */
export function readPart10(bytes: Uint8Array): Part10Object {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const meta: DatasetElement[] = [];
  let offset = 0;
  let tsUid: string | undefined;
  if (buf.length >= 132 && buf.toString('latin1', 128, 132) === 'DICM') {
    const reader = new Reader(buf, { explicitVr: true, littleEndian: true });
    offset = 132;
    while (offset + 4 <= buf.length && reader.u16(offset) === 0x0002) {
      const el = reader.element(offset, buf.length, 0);
      meta.push(el.element);
      offset = el.next;
    }
    const ts = meta.find((e) => e.tag === 0x00020010)?.value;
    tsUid = ts ? Buffer.from(ts).toString('latin1').replace(/[\0 ]+$/, '') : undefined;
  }
  if (!tsUid) tsUid = guessBareSyntax(buf, offset);
  const syntax = transferSyntaxOf(tsUid);
  if (!syntax) throw new DicomRefusedError('DICOM_UNKNOWN_TRANSFER_SYNTAX', 'Transfer syntax is not supported');
  let body = buf.subarray(offset);
  if (syntax.deflated) {
    try {
      body = inflateRawSync(body);
    } catch {
      throw new DicomRefusedError('DICOM_BAD_ENCODING', 'Deflated data set does not inflate', offset);
    }
  }
  const encoding = { explicitVr: syntax.explicitVr, littleEndian: syntax.littleEndian };
  const dataset = new Reader(body, encoding).elements(0, body.length, 0, false).elements;
  return { meta, transferSyntaxUid: syntax.uid, deflated: syntax.deflated, encoding, dataset };
}

/** Syntax of a data set with no meta group: big or little endian by the group bytes, explicit VR when the bytes after the tag are a VR. */
function guessBareSyntax(buf: Buffer, offset: number): string {
  if (buf.length < offset + 8) throw new DicomRefusedError('DICOM_NOT_PART10', 'Not a DICOM Part 10 file');
  const explicit = VR_SET.has(buf.toString('latin1', offset + 4, offset + 6));
  if (buf.readUInt16LE(offset) === 0x0008) return explicit ? EXPLICIT_VR_LITTLE_ENDIAN : IMPLICIT_VR_LITTLE_ENDIAN;
  if (buf.readUInt16BE(offset) === 0x0008 && explicit) return EXPLICIT_VR_BIG_ENDIAN;
  throw new DicomRefusedError('DICOM_NOT_PART10', 'Not a DICOM Part 10 file (no DICM prefix, no group 0008 data set)');
}

class Reader {
  constructor(
    private readonly buf: Buffer,
    private readonly enc: DatasetEncoding,
  ) {}

  u16(at: number): number {
    return this.enc.littleEndian ? this.buf.readUInt16LE(at) : this.buf.readUInt16BE(at);
  }

  u32(at: number): number {
    return this.enc.littleEndian ? this.buf.readUInt32LE(at) : this.buf.readUInt32BE(at);
  }

  tag(at: number): number {
    return ((this.u16(at) << 16) | this.u16(at + 2)) >>> 0;
  }

  /** Elements from `at` to `end`; inside an undefined-length item it stops after the item delimiter. */
  elements(at: number, end: number, depth: number, inUndefinedItem: boolean): { elements: DatasetElement[]; next: number } {
    const elements: DatasetElement[] = [];
    while (at < end) {
      if (at + 8 > end) throw new DicomRefusedError('DICOM_TRUNCATED', 'Data ends inside an element header', at);
      const tag = this.tag(at);
      if (tag === ITEM_END) {
        if (!inUndefinedItem) throw new DicomRefusedError('DICOM_BAD_ENCODING', 'Item delimiter outside an item', at);
        return { elements, next: at + 8 };
      }
      if (tag === ITEM || tag === SEQUENCE_END) throw new DicomRefusedError('DICOM_BAD_ENCODING', 'Item tag outside a sequence', at);
      const el = this.element(at, end, depth);
      elements.push(el.element);
      at = el.next;
    }
    if (inUndefinedItem) throw new DicomRefusedError('DICOM_TRUNCATED', 'Data ends inside an item', at);
    return { elements, next: at };
  }

  element(at: number, end: number, depth: number): { element: DatasetElement; next: number } {
    const tag = this.tag(at);
    let vr: string;
    let length: number;
    let valueAt: number;
    if (this.enc.explicitVr) {
      vr = this.buf.toString('latin1', at + 4, at + 6);
      if (!VR_SET.has(vr)) throw new DicomRefusedError('DICOM_BAD_ENCODING', `Element (${hexTag(tag)}) has no valid VR`, at);
      if (LONG_VRS.has(vr)) {
        if (at + 12 > end) throw new DicomRefusedError('DICOM_TRUNCATED', 'Data ends inside an element header', at);
        length = this.u32(at + 8);
        valueAt = at + 12;
      } else {
        length = this.u16(at + 6);
        valueAt = at + 8;
      }
    } else {
      vr = (tag & 0xffff) === 0 ? 'UL' : VR_NAMES[implicitVrOf(tag)] ?? 'UN';
      length = this.u32(at + 4);
      valueAt = at + 8;
    }

    if (length === UNDEFINED) {
      if (tag === PIXEL_DATA || (vr !== 'SQ' && vr !== 'UN')) {
        const next = this.skipFragments(valueAt, end);
        return { element: { tag, vr, encapsulated: this.buf.subarray(valueAt, next), undefinedLength: true }, next };
      }
      // An undefined-length UN is a sequence written in implicit VR little endian (PS3.5 6.2.2).
      const itemReader = vr === 'UN' && this.enc.explicitVr ? new Reader(this.buf, IMPLICIT_LE) : this;
      const { items, next } = itemReader.items(valueAt, end, depth + 1, true);
      return { element: { tag, vr, items, itemEncoding: itemReader.enc, undefinedLength: true }, next };
    }

    const next = valueAt + length;
    if (next > end) throw new DicomRefusedError('DICOM_LENGTH_BEYOND_END', `Element (${hexTag(tag)}) length runs past the end of the data`, at);
    if (vr === 'SQ') {
      const { items } = this.items(valueAt, next, depth + 1, false);
      return { element: { tag, vr, items, itemEncoding: this.enc, undefinedLength: false }, next };
    }
    if (vr === 'UN' && this.enc.explicitVr && VR_NAMES[implicitVrOf(tag)] === 'SQ') {
      // A standard sequence some writer could not type: its items are implicit VR LE (PS3.5 6.2.2).
      const { items } = new Reader(this.buf, IMPLICIT_LE).items(valueAt, next, depth + 1, false);
      return { element: { tag, vr, items, itemEncoding: IMPLICIT_LE, undefinedLength: false }, next };
    }
    return { element: { tag, vr, value: this.buf.subarray(valueAt, next), undefinedLength: false }, next };
  }

  private items(at: number, end: number, depth: number, undefinedLength: boolean): { items: DatasetItem[]; next: number } {
    if (depth > MAX_DEPTH) throw new DicomRefusedError('DICOM_BAD_ENCODING', 'Sequences nested too deep', at);
    const items: DatasetItem[] = [];
    while (at < end) {
      if (at + 8 > end) throw new DicomRefusedError('DICOM_TRUNCATED', 'Data ends inside an item header', at);
      const tag = this.tag(at);
      const length = this.u32(at + 4);
      if (tag === SEQUENCE_END) {
        if (!undefinedLength) throw new DicomRefusedError('DICOM_BAD_ENCODING', 'Sequence delimiter in a defined-length sequence', at);
        return { items, next: at + 8 };
      }
      if (tag !== ITEM) throw new DicomRefusedError('DICOM_BAD_ENCODING', 'Expected an item in a sequence', at);
      if (length === UNDEFINED) {
        const { elements, next } = this.elements(at + 8, end, depth, true);
        items.push({ elements, undefinedLength: true });
        at = next;
      } else {
        const itemEnd = at + 8 + length;
        if (itemEnd > end) throw new DicomRefusedError('DICOM_LENGTH_BEYOND_END', 'Item length runs past the end of its sequence', at);
        items.push({ elements: this.elements(at + 8, itemEnd, depth, false).elements, undefinedLength: false });
        at = itemEnd;
      }
    }
    if (undefinedLength) throw new DicomRefusedError('DICOM_TRUNCATED', 'Data ends inside a sequence', at);
    return { items, next: at };
  }

  /** End of encapsulated fragments (after the sequence delimiter). */
  private skipFragments(at: number, end: number): number {
    while (at + 8 <= end) {
      const tag = this.tag(at);
      const length = this.u32(at + 4);
      if (tag === SEQUENCE_END) return at + 8;
      if (tag !== ITEM || length === UNDEFINED) throw new DicomRefusedError('DICOM_BAD_ENCODING', 'Bad fragment in encapsulated data', at);
      at += 8 + length;
      if (at > end) throw new DicomRefusedError('DICOM_LENGTH_BEYOND_END', 'Fragment length runs past the end of the data', at);
    }
    throw new DicomRefusedError('DICOM_TRUNCATED', 'Data ends inside encapsulated pixel data', at);
  }
}

/** 'GGGG,EEEE' for messages (tags are not PHI). */
export function hexTag(tag: number): string {
  const h = tag.toString(16).toUpperCase().padStart(8, '0');
  return `${h.slice(0, 4)},${h.slice(4)}`;
}
