import { deflateRawSync } from 'node:zlib';
import type { DatasetElement, DatasetEncoding, DatasetItem } from './deidentify-dataset.reader.js';

const LONG_VRS = new Set(['OB', 'OD', 'OF', 'OL', 'OV', 'OW', 'SQ', 'UC', 'UN', 'UR', 'UT', 'SV', 'UV']);
const ITEM = 0xfffee000;
const ITEM_END = 0xfffee00d;
const SEQUENCE_END = 0xfffee0dd;
const UNDEFINED = 0xffffffff;
const META_ENCODING: DatasetEncoding = { explicitVr: true, littleEndian: true };

/**
 * Writes a Part 10 file: 128-byte zero preamble, 'DICM', the meta group (explicit VR little
 * endian, with a freshly computed (0002,0000) group length) and the data set in `encoding`
 * (deflated when asked). Sequence and item lengths are recomputed; a sequence or item that was
 * written with undefined length keeps that form. Values are copied as they are, so
 * encapsulated Pixel Data and every kept value stay byte-identical.
 */
export function writePart10(input: {
  meta: readonly DatasetElement[];
  encoding: DatasetEncoding;
  deflated: boolean;
  dataset: readonly DatasetElement[];
}): Buffer {
  const metaBody = new ChunkWriter(META_ENCODING);
  for (const el of input.meta) if (el.tag !== 0x00020000) metaBody.element(el);
  const groupLength = Buffer.alloc(4);
  groupLength.writeUInt32LE(metaBody.size);
  const meta = new ChunkWriter(META_ENCODING);
  meta.element({ tag: 0x00020000, vr: 'UL', value: groupLength, undefinedLength: false });

  const body = new ChunkWriter(input.encoding);
  for (const el of input.dataset) body.element(el);
  const dataset = input.deflated ? [deflateRawSync(Buffer.concat(body.chunks))] : body.chunks;

  const prefix = Buffer.alloc(132);
  prefix.write('DICM', 128, 'latin1');
  return Buffer.concat([prefix, ...meta.chunks, ...metaBody.chunks, ...dataset]);
}

/** Accumulates encoded chunks (views, not copies) and their total size. */
class ChunkWriter {
  readonly chunks: Uint8Array[] = [];
  size = 0;

  constructor(private readonly enc: DatasetEncoding) {}

  element(el: DatasetElement): void {
    if (el.items) {
      const inner = new ChunkWriter(el.itemEncoding ?? this.enc);
      for (const item of el.items) inner.item(item);
      if (el.undefinedLength) {
        this.header(el.tag, el.vr, UNDEFINED);
        this.append(inner);
        this.delimiter(SEQUENCE_END);
      } else {
        this.header(el.tag, el.vr, inner.size);
        this.append(inner);
      }
    } else if (el.encapsulated) {
      this.header(el.tag, el.vr, UNDEFINED);
      this.push(el.encapsulated);
    } else {
      const value = el.value ?? new Uint8Array(0);
      this.header(el.tag, el.vr, value.length);
      this.push(value);
    }
  }

  private item(item: DatasetItem): void {
    const inner = new ChunkWriter(this.enc);
    for (const el of item.elements) inner.element(el);
    this.delimiter(ITEM, item.undefinedLength ? UNDEFINED : inner.size);
    this.append(inner);
    if (item.undefinedLength) this.delimiter(ITEM_END);
  }

  private header(tag: number, vr: string, length: number): void {
    const le = this.enc.littleEndian;
    if (!this.enc.explicitVr) {
      const h = Buffer.allocUnsafe(8);
      this.tag(h, tag);
      if (le) h.writeUInt32LE(length, 4);
      else h.writeUInt32BE(length, 4);
      this.push(h);
      return;
    }
    const long = LONG_VRS.has(vr);
    if (!long && length > 0xffff) throw new RangeError(`value of ${vr} too long for a 16-bit length`);
    const h = Buffer.alloc(long ? 12 : 8);
    this.tag(h, tag);
    h.write(vr, 4, 2, 'latin1');
    if (long) {
      if (le) h.writeUInt32LE(length, 8);
      else h.writeUInt32BE(length, 8);
    } else if (le) h.writeUInt16LE(length, 6);
    else h.writeUInt16BE(length, 6);
    this.push(h);
  }

  /** Item / delimiter headers: tag and a 32-bit length, never a VR (PS3.5 7.5). */
  private delimiter(tag: number, length = 0): void {
    const h = Buffer.allocUnsafe(8);
    this.tag(h, tag);
    if (this.enc.littleEndian) h.writeUInt32LE(length >>> 0, 4);
    else h.writeUInt32BE(length >>> 0, 4);
    this.push(h);
  }

  private tag(h: Buffer, tag: number): void {
    if (this.enc.littleEndian) {
      h.writeUInt16LE(tag >>> 16, 0);
      h.writeUInt16LE(tag & 0xffff, 2);
    } else {
      h.writeUInt16BE(tag >>> 16, 0);
      h.writeUInt16BE(tag & 0xffff, 2);
    }
  }

  private push(chunk: Uint8Array): void {
    this.chunks.push(chunk);
    this.size += chunk.length;
  }

  private append(other: ChunkWriter): void {
    for (const c of other.chunks) this.chunks.push(c);
    this.size += other.size;
  }
}
