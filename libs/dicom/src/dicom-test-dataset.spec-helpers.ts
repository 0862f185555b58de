import { deflateRawSync } from 'node:zlib';
import { buildFileMetaHeader } from './file-meta.builder.js';

/** One element for the test writer: a value as text (padded), raw bytes, or items (sequence). */
export type TestElement = {
  tag: number;
  vr: string;
  value?: string | Uint8Array | TestElement[][];
  /** Write the sequence (or its items) with undefined length and delimiters. */
  undefinedLength?: boolean;
};

export interface TestEncoding {
  explicit: boolean;
  little: boolean;
}

const LONG = new Set(['OB', 'OD', 'OF', 'OL', 'OV', 'OW', 'SQ', 'UC', 'UN', 'UR', 'UT', 'SV', 'UV']);

function u16(n: number, little: boolean): Uint8Array {
  const b = Buffer.alloc(2);
  if (little) b.writeUInt16LE(n);
  else b.writeUInt16BE(n);
  return b;
}

function u32(n: number, little: boolean): Uint8Array {
  const b = Buffer.alloc(4);
  if (little) b.writeUInt32LE(n >>> 0);
  else b.writeUInt32BE(n >>> 0);
  return b;
}

function tagBytes(tag: number, little: boolean): Uint8Array {
  return Buffer.concat([u16(tag >>> 16, little), u16(tag & 0xffff, little)]);
}

/** An element header with an explicit length (any value, for hostile inputs too). */
export function elementHeader(tag: number, vr: string, length: number, enc: TestEncoding): Uint8Array {
  if (!enc.explicit) return Buffer.concat([tagBytes(tag, enc.little), u32(length, enc.little)]);
  if (LONG.has(vr)) return Buffer.concat([tagBytes(tag, enc.little), Buffer.from(vr, 'latin1'), Buffer.alloc(2), u32(length, enc.little)]);
  return Buffer.concat([tagBytes(tag, enc.little), Buffer.from(vr, 'latin1'), u16(length, enc.little)]);
}

/** An item / delimiter header (no VR in any syntax). */
export function itemHeader(tag: number, length: number, little: boolean): Uint8Array {
  return Buffer.concat([tagBytes(tag, little), u32(length, little)]);
}

function valueBytes(element: TestElement): Uint8Array {
  const value = element.value ?? '';
  if (value instanceof Uint8Array) return value;
  if (typeof value !== 'string') throw new Error('items are encoded by encodeDataset');
  const pad = element.vr === 'UI' || element.vr === 'OB' ? '\0' : ' ';
  return Buffer.from(value.length % 2 === 0 ? value : value + pad, 'latin1');
}

/** Encodes elements (in the order given) as a data set in the given encoding. */
export function encodeDataset(elements: TestElement[], enc: TestEncoding): Uint8Array {
  const parts: Uint8Array[] = [];
  for (const element of elements) {
    if (element.vr === 'SQ') {
      const items = (element.value ?? []) as TestElement[][];
      const body = Buffer.concat(
        items.map((item) => {
          const content = encodeDataset(item, enc);
          return element.undefinedLength
            ? Buffer.concat([itemHeader(0xfffee000, 0xffffffff, enc.little), content, itemHeader(0xfffee00d, 0, enc.little)])
            : Buffer.concat([itemHeader(0xfffee000, content.length, enc.little), content]);
        }),
      );
      if (element.undefinedLength) parts.push(elementHeader(element.tag, 'SQ', 0xffffffff, enc), body, itemHeader(0xfffee0dd, 0, enc.little));
      else parts.push(elementHeader(element.tag, 'SQ', body.length, enc), body);
      continue;
    }
    const value = valueBytes(element);
    parts.push(elementHeader(element.tag, element.vr, value.length, enc), value);
  }
  return Buffer.concat(parts);
}

/** Encapsulated Pixel Data: empty basic offset table, one item per fragment, sequence delimiter. */
export function encapsulatedPixelData(fragments: Uint8Array[]): Uint8Array {
  const enc = { explicit: true, little: true };
  return Buffer.concat([
    elementHeader(0x7fe00010, 'OB', 0xffffffff, enc),
    itemHeader(0xfffee000, 0, true),
    ...fragments.flatMap((fragment) => [itemHeader(0xfffee000, fragment.length, true), fragment]),
    itemHeader(0xfffee0dd, 0, true),
  ]);
}

export const CT_IMAGE_STORAGE = '1.2.840.10008.5.1.4.1.1.2';
export const SOP_INSTANCE = '1.2.826.0.1.3680043.8.498.1';
export const STUDY = '1.2.826.0.1.3680043.8.498.2';
export const SERIES = '1.2.826.0.1.3680043.8.498.3';

/** The identifying elements plus a few typed values every test instance carries (sorted by tag). */
export function minimalElements(extra: TestElement[] = [], little = true): TestElement[] {
  const base: TestElement[] = [
    { tag: 0x00080005, vr: 'CS', value: 'ISO_IR 100' },
    { tag: 0x00080016, vr: 'UI', value: CT_IMAGE_STORAGE },
    { tag: 0x00080018, vr: 'UI', value: SOP_INSTANCE },
    { tag: 0x00080060, vr: 'CS', value: 'CT' },
    { tag: 0x00100010, vr: 'PN', value: 'Doe^Jane' },
    { tag: 0x00100020, vr: 'LO', value: 'PID-1' },
    { tag: 0x0020000d, vr: 'UI', value: STUDY },
    { tag: 0x0020000e, vr: 'UI', value: SERIES },
    { tag: 0x00200013, vr: 'IS', value: '7' },
    { tag: 0x00280010, vr: 'US', value: u16(512, little) },
  ];
  return [...base, ...extra].sort((a, b) => a.tag - b.tag);
}

/** Explicit VR US value bytes in the given byte order. */
export function us(n: number, little = true): Uint8Array {
  return u16(n, little);
}

/** A Part 10 file: meta header + data set encoded as the syntax says (deflated when asked). */
export function part10(transferSyntaxUid: string, dataset: Uint8Array, deflate = false): Buffer {
  const meta = buildFileMetaHeader({ sopClassUid: CT_IMAGE_STORAGE, sopInstanceUid: SOP_INSTANCE, transferSyntaxUid });
  return Buffer.concat([meta, deflate ? deflateRawSync(dataset) : dataset]);
}

/** Splits bytes into chunks of `size` (the last may be shorter). */
export function chunksOf(bytes: Uint8Array, size: number): Uint8Array[] {
  const chunks: Uint8Array[] = [];
  for (let i = 0; i < bytes.length; i += size) chunks.push(bytes.subarray(i, Math.min(bytes.length, i + size)));
  return chunks;
}
