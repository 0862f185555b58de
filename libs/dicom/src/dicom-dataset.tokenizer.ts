import { textDecodingOf, type DicomTextDecoding } from './dicom-charset.js';
import { implicitVrOf } from './dicom-dictionary.js';
import { BULK_DATA_THRESHOLD, dicomJsonKey, type DicomJson, type DicomJsonElement } from './dicom-json.model.js';
import { DicomRefusedError } from './dicom-refused.error.js';
import { TAG, UNDEFINED_LENGTH, isPixelDataTag, tagText } from './dicom-tag.js';
import { decodeDicomValue } from './dicom-value.decoder.js';
import { VR, VR_NAMES, isBinaryVr, isLongVr, vrCodeOfBytes, vrValueSize } from './dicom-vr.js';

/** What the tokenizer needs to know: the encoding and where the bytes sit in the whole stream. */
export interface DatasetTokenizerOptions {
  explicitVr: boolean;
  littleEndian: boolean;
  /** Stream offset of the first byte fed (for limits and messages). */
  baseOffset: number;
  /** Stream offset the header (everything before top-level Pixel Data) must not pass. */
  headerLimitOffset: number;
  /** Deepest sequence nesting accepted (encapsulated pixel data counts as one level). */
  maxDepth: number;
  /** Called once, when the top-level Pixel Data element starts: the metadata is complete. */
  onHeaderComplete?: (pixelDataOffset: number) => void;
}

// Plain constants rather than `const enum`: the test transform compiles files in isolation.
const Kind = { Dataset: 0, Item: 1, Sequence: 2, Fragments: 3 } as const;
type Kind = (typeof Kind)[keyof typeof Kind];

interface Frame {
  kind: Kind;
  /** Stream offset where a defined-length container ends; -1 for undefined length (delimited). */
  end: number;
  explicit: boolean;
  little: boolean;
  tag: number;
  /** Data set / item: where decoded elements go (absent once the header is done or when not kept). */
  json?: DicomJson;
  /** Sequence: the SQ element whose Value receives the items. */
  sequence?: DicomJsonElement;
}

const State = { Head: 0, Collect: 1, Skip: 2 } as const;
type State = (typeof State)[keyof typeof State];

const SkipKind = { Value: 0, PixelData: 1, Fragment: 2 } as const;
type SkipKind = (typeof SkipKind)[keyof typeof SkipKind];

/**
 * Push-driven structural reader of one DICOM data set (PS3.5 7): element headers, sequences and
 * items of defined and undefined length, encapsulated pixel data. Before top-level Pixel Data it
 * decodes values into DICOM JSON; after it, it only follows element and fragment boundaries, so its
 * memory stays O(nesting depth) however large the object. Values are collected in proportion to the
 * bytes received, never allocated from a declared length. Throws DicomRefusedError.
 */
export class DatasetTokenizer {
  readonly metadata: DicomJson = {};
  private readonly frames: Frame[];
  private top: Frame;
  private depth = 0;
  private state: State = State.Head;
  private readonly head = new Uint8Array(12);
  private headLen = 0;
  private offset: number;
  private elementStart = 0;
  private tag = 0;
  private vr = 0;
  private length = 0;
  private remaining = 0;
  private skipKind: SkipKind = SkipKind.Value;
  private collectBuffer: Uint8Array | undefined;
  private collected = 0;
  private decoding: DicomTextDecoding = 'latin1';
  private headerDone = false;

  constructor(private readonly options: DatasetTokenizerOptions) {
    this.offset = options.baseOffset;
    this.top = { kind: Kind.Dataset, end: -1, explicit: options.explicitVr, little: options.littleEndian, tag: 0, json: this.metadata };
    this.frames = [this.top];
  }

  /** True once top-level Pixel Data has started (the metadata will not change any more). */
  get headerComplete(): boolean {
    return this.headerDone;
  }

  /** Stream offset of the next byte expected. */
  get position(): number {
    return this.offset;
  }

  push(chunk: Uint8Array): void {
    const n = chunk.length;
    let i = 0;
    while (i < n) {
      switch (this.state) {
        case State.Head: {
          if (this.headLen === 0) {
            const used = this.readHead(chunk, i, n - i);
            if (used > 0) {
              i += used;
              this.afterHead(used);
              break;
            }
          }
          // Slow path: the header straddles chunks; gather it (8 bytes, then 4 more for long VRs).
          const want = (this.headLen < 8 ? 8 : 12) - this.headLen;
          const take = Math.min(want, n - i);
          this.head.set(chunk.subarray(i, i + take), this.headLen);
          this.headLen += take;
          i += take;
          if (this.headLen < 8) break;
          const used = this.readHead(this.head, 0, this.headLen);
          if (used < 0) break;
          this.headLen = 0;
          this.afterHead(used);
          break;
        }
        case State.Collect: {
          const take = Math.min(this.remaining, n - i);
          if (this.collected === 0 && take === this.remaining) {
            this.finishValue(chunk.subarray(i, i + take));
          } else {
            this.append(chunk.subarray(i, i + take));
            if (take === this.remaining) this.finishValue(this.collectBuffer!.subarray(0, this.length));
          }
          i += take;
          this.offset += take;
          this.remaining -= take;
          if (this.remaining === 0) {
            this.collectBuffer = undefined;
            this.collected = 0;
            this.state = State.Head;
            this.settle();
          }
          break;
        }
        case State.Skip: {
          const take = Math.min(this.remaining, n - i);
          i += take;
          this.offset += take;
          this.remaining -= take;
          if (this.remaining === 0) {
            this.state = State.Head;
            this.settle();
          }
          break;
        }
      }
      if (!this.headerDone && this.offset > this.options.headerLimitOffset) {
        throw new DicomRefusedError(
          'DICOM_HEADER_TOO_LARGE',
          `the header (everything before Pixel Data) is larger than ${this.options.headerLimitOffset} bytes`,
          this.offset,
        );
      }
    }
  }

  /** Validates that the data set ended on an element boundary with every container closed. */
  end(): void {
    if (this.state === State.Collect || this.state === State.Skip) {
      const got = this.length - this.remaining;
      if (this.skipKind !== SkipKind.Value && this.state === State.Skip) {
        const what = this.skipKind === SkipKind.PixelData ? 'Pixel Data' : 'a pixel data fragment';
        throw new DicomRefusedError('DICOM_TRUNCATED', `the data ends inside ${what} (${got} of ${this.length} bytes)`, this.offset);
      }
      throw new DicomRefusedError(
        'DICOM_LENGTH_BEYOND_END',
        `element ${tagText(this.tag)} at byte ${this.elementStart} declares ${this.length} bytes but the data ends after ${got}`,
        this.offset,
      );
    }
    if (this.headLen > 0) {
      throw new DicomRefusedError('DICOM_TRUNCATED', 'the data ends inside an element header', this.offset);
    }
    if (this.frames.length > 1) {
      const open = this.top;
      const what = open.kind === Kind.Item ? 'an item' : open.kind === Kind.Fragments ? 'encapsulated Pixel Data' : `sequence ${tagText(open.tag)}`;
      if (open.end !== -1) {
        throw new DicomRefusedError('DICOM_LENGTH_BEYOND_END', `${what} declares an end at byte ${open.end} but the data ends first`, this.offset);
      }
      throw new DicomRefusedError('DICOM_TRUNCATED', `the data ends inside ${what} (no delimiter)`, this.offset);
    }
  }

  /** Decodes an element/item header at buf[p]; returns its size (8 or 12), or -1 if more bytes are needed. */
  private readHead(buf: Uint8Array, p: number, avail: number): number {
    if (avail < 8) return -1;
    const little = this.top.little;
    const group = little ? buf[p]! | (buf[p + 1]! << 8) : (buf[p]! << 8) | buf[p + 1]!;
    const element = little ? buf[p + 2]! | (buf[p + 3]! << 8) : (buf[p + 2]! << 8) | buf[p + 3]!;
    const tag = ((group << 16) | element) >>> 0;
    if (group === 0xfffe) {
      this.tag = tag;
      this.vr = -1;
      this.length = u32(buf, p + 4, little);
      return 8;
    }
    if (this.top.explicit) {
      const vr = vrCodeOfBytes(buf[p + 4]!, buf[p + 5]!);
      if (vr < 0) {
        throw new DicomRefusedError(
          'DICOM_BAD_ENCODING',
          `element ${tagText(tag)} has no valid VR where the transfer syntax says explicit VR (implicit VR data under an explicit VR syntax?)`,
          this.offset,
        );
      }
      if (isLongVr(vr)) {
        if (avail < 12) return -1;
        this.length = u32(buf, p + 8, little);
        this.tag = tag;
        this.vr = vr;
        return 12;
      }
      this.tag = tag;
      this.vr = vr;
      this.length = little ? buf[p + 6]! | (buf[p + 7]! << 8) : (buf[p + 6]! << 8) | buf[p + 7]!;
      return 8;
    }
    this.tag = tag;
    this.vr = implicitVrOf(tag);
    this.length = u32(buf, p + 4, little);
    return 8;
  }

  private afterHead(used: number): void {
    this.elementStart = this.offset;
    this.offset += used;
    const frame = this.top;
    if (frame.end !== -1 && this.offset > frame.end) {
      throw new DicomRefusedError('DICOM_BAD_ENCODING', `element ${tagText(this.tag)} crosses the end of its item`, this.elementStart);
    }
    if (this.tag >>> 16 === 0xfffe) this.onItemTag(frame);
    else if (frame.kind === Kind.Sequence || frame.kind === Kind.Fragments) {
      throw new DicomRefusedError(
        'DICOM_BAD_ENCODING',
        `expected an item in ${frame.kind === Kind.Fragments ? 'encapsulated Pixel Data' : `sequence ${tagText(frame.tag)}`}, found ${tagText(this.tag)}`,
        this.elementStart,
      );
    } else this.onElement(frame);
    if (this.state === State.Head) this.settle();
  }

  private onItemTag(frame: Frame): void {
    const { tag, length } = this;
    if (tag === TAG.ITEM) {
      if (frame.kind === Kind.Sequence) {
        if (length !== UNDEFINED_LENGTH) this.checkWithin(frame, length);
        let json: DicomJson | undefined;
        if (frame.sequence) {
          json = {};
          (frame.sequence.Value ??= []).push(json);
        }
        this.pushFrame({ kind: Kind.Item, end: length === UNDEFINED_LENGTH ? -1 : this.offset + length, explicit: frame.explicit, little: frame.little, tag, json });
        return;
      }
      if (frame.kind === Kind.Fragments) {
        if (length === UNDEFINED_LENGTH) {
          throw new DicomRefusedError('DICOM_BAD_ENCODING', 'a pixel data fragment has undefined length', this.elementStart);
        }
        this.skip(length, SkipKind.Fragment);
        return;
      }
      throw new DicomRefusedError('DICOM_BAD_ENCODING', 'an item tag outside a sequence', this.elementStart);
    }
    // Delimiters should have length 0; a non-zero one is ignored (nothing follows it in the item).
    if (tag === TAG.ITEM_DELIMITATION && frame.kind === Kind.Item && frame.end === -1) return this.popFrame();
    if (tag === TAG.SEQUENCE_DELIMITATION && (frame.kind === Kind.Sequence || frame.kind === Kind.Fragments) && frame.end === -1) {
      return this.popFrame();
    }
    throw new DicomRefusedError('DICOM_BAD_ENCODING', `unexpected delimiter ${tagText(tag)}`, this.elementStart);
  }

  private onElement(frame: Frame): void {
    const { tag, length } = this;
    const topLevel = this.frames.length === 1;
    if (length === UNDEFINED_LENGTH) {
      if (isPixelDataTag(tag)) {
        if (topLevel && !this.headerDone) this.completeHeader(frame);
        this.pushFrame({ kind: Kind.Fragments, end: -1, explicit: frame.explicit, little: frame.little, tag });
        return;
      }
      const declared = this.vr;
      if (declared === VR.SQ || declared === VR.UN || !frame.explicit) {
        // UN of undefined length is a sequence in implicit VR little endian (PS3.5 6.2.2 note).
        this.openSequence(frame, -1, declared === VR.UN && frame.explicit);
        return;
      }
      throw new DicomRefusedError('DICOM_BAD_ENCODING', `element ${tagText(tag)} (${VR_NAMES[declared]}) cannot have undefined length`, this.elementStart);
    }
    this.checkWithin(frame, length);
    let vr = this.vr;
    let implicitInside = false;
    if (vr === VR.UN && frame.explicit && !(tag & 0x10000)) {
      // A standard attribute sent as UN (e.g. converted from implicit VR by a tool that lost the
      // VRs): read it with its dictionary VR, as pydicom does; a sequence's content is implicit VR LE.
      const known = implicitVrOf(tag);
      const knownSize = vrValueSize(known);
      if (known !== VR.UN && (knownSize === 0 || length % knownSize === 0)) {
        vr = known;
        this.vr = known;
        implicitInside = known === VR.SQ;
      }
    }
    const size = vrValueSize(vr);
    if (size > 1 && length % size !== 0) {
      throw new DicomRefusedError(
        'DICOM_BAD_ENCODING',
        `element ${tagText(tag)} (${VR_NAMES[vr]}) has length ${length}, not a multiple of ${size}`,
        this.elementStart,
      );
    }
    if (vr === VR.SQ) {
      this.openSequence(frame, this.offset + length, implicitInside);
      return;
    }
    if (topLevel && isPixelDataTag(tag)) {
      if (!this.headerDone) this.completeHeader(frame);
      this.skip(length, SkipKind.PixelData);
      return;
    }
    const json = this.headerDone ? undefined : frame.json;
    // File meta (group 0002) and group lengths are not part of the data set's metadata.
    if (json === undefined || tag >>> 16 === 0x0002 || (tag & 0xffff) === 0 || tag === TAG.DATA_SET_TRAILING_PADDING) {
      this.skip(length, SkipKind.Value);
      return;
    }
    if (isBinaryVr(vr) && length > BULK_DATA_THRESHOLD) {
      json[dicomJsonKey(tag)] = { vr: VR_NAMES[vr]! };
      this.skip(length, SkipKind.Value);
      return;
    }
    if (length === 0) {
      json[dicomJsonKey(tag)] = { vr: VR_NAMES[vr]! };
      return;
    }
    this.remaining = length;
    this.collected = 0;
    this.state = State.Collect;
  }

  private openSequence(frame: Frame, end: number, implicitInside: boolean): void {
    let sequence: DicomJsonElement | undefined;
    const json = this.headerDone ? undefined : frame.json;
    if (json && this.tag >>> 16 !== 0x0002) {
      sequence = { vr: 'SQ' };
      json[dicomJsonKey(this.tag)] = sequence;
    }
    this.pushFrame({
      kind: Kind.Sequence,
      end,
      explicit: implicitInside ? false : frame.explicit,
      little: implicitInside ? true : frame.little,
      tag: this.tag,
      sequence,
    });
  }

  private completeHeader(frame: Frame): void {
    frame.json![dicomJsonKey(this.tag)] = { vr: VR_NAMES[this.vr] ?? 'OB' };
    this.headerDone = true;
    this.options.onHeaderComplete?.(this.elementStart);
  }

  private checkWithin(frame: Frame, length: number): void {
    if (frame.end !== -1 && this.offset + length > frame.end) {
      throw new DicomRefusedError(
        'DICOM_LENGTH_BEYOND_END',
        `${tagText(this.tag)} declares ${length} bytes, past the end of its enclosing item or sequence`,
        this.elementStart,
      );
    }
  }

  private pushFrame(frame: Frame): void {
    if (frame.kind !== Kind.Item) {
      if (++this.depth > this.options.maxDepth) {
        throw new DicomRefusedError('DICOM_BAD_ENCODING', `sequences nested deeper than ${this.options.maxDepth}`, this.elementStart);
      }
    }
    this.frames.push(frame);
    this.top = frame;
  }

  private popFrame(): void {
    const frame = this.frames.pop()!;
    if (frame.kind !== Kind.Item) this.depth--;
    this.top = this.frames[this.frames.length - 1]!;
  }

  /** Closes every defined-length container that ends exactly here. */
  private settle(): void {
    while (this.frames.length > 1) {
      const end = this.top.end;
      if (end === -1 || this.offset < end) return;
      if (this.offset > end) {
        throw new DicomRefusedError('DICOM_BAD_ENCODING', `content runs past the end of ${tagText(this.top.tag)}`, this.offset);
      }
      this.popFrame();
    }
  }

  private skip(length: number, kind: SkipKind): void {
    if (length === 0) return;
    this.remaining = length;
    this.skipKind = kind;
    this.state = State.Skip;
  }

  /** Grows the value buffer with what arrived: memory follows the data, not the declared length. */
  private append(bytes: Uint8Array): void {
    const needed = this.collected + bytes.length;
    if (!this.collectBuffer || this.collectBuffer.length < needed) {
      const grown = new Uint8Array(Math.min(this.length, Math.max(needed, 256, (this.collectBuffer?.length ?? 0) * 2)));
      if (this.collectBuffer) grown.set(this.collectBuffer.subarray(0, this.collected));
      this.collectBuffer = grown;
    }
    this.collectBuffer.set(bytes, this.collected);
    this.collected = needed;
  }

  private finishValue(bytes: Uint8Array): void {
    const frame = this.top;
    const element = decodeDicomValue(this.vr, bytes, frame.little, this.decoding);
    frame.json![dicomJsonKey(this.tag)] = element;
    if (this.tag === TAG.SPECIFIC_CHARACTER_SET && this.frames.length === 1) this.decoding = textDecodingOf(element.Value);
  }
}

function u32(buf: Uint8Array, p: number, little: boolean): number {
  return little
    ? (buf[p]! | (buf[p + 1]! << 8) | (buf[p + 2]! << 16) | (buf[p + 3]! << 24)) >>> 0
    : ((buf[p]! << 24) | (buf[p + 1]! << 16) | (buf[p + 2]! << 8) | buf[p + 3]!) >>> 0;
}
