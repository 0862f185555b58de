import { inflateRawSync } from 'node:zlib';
import { ByteQueue } from './byte-queue.js';
import { DatasetTokenizer } from './dicom-dataset.tokenizer.js';
import { buildInstanceHeader } from './dicom-instance-header.builder.js';
import type { DicomInstanceHeader } from './dicom-instance-header.model.js';
import { DicomRefusedError } from './dicom-refused.error.js';
import { vrCodeOfBytes } from './dicom-vr.js';
import { FileMetaReader } from './file-meta.reader.js';
import {
  EXPLICIT_VR_BIG_ENDIAN,
  EXPLICIT_VR_LITTLE_ENDIAN,
  IMPLICIT_VR_LITTLE_ENDIAN,
  transferSyntaxOf,
  type TransferSyntax,
} from './transfer-syntax.registry.js';

/** What the scanner is fed: a Part 10 file, or a bare data set (DIMSE) in a known transfer syntax. */
export type DicomScanMode = { mode: 'part10' } | { mode: 'dataset'; transferSyntaxUid: string };

/** Bounds on what one object may cost the reader. */
export interface DicomScanLimits {
  /** Bytes before Pixel Data (preamble and file meta included); default 16 MiB. */
  maxHeaderBytes?: number;
  /** Deepest sequence nesting; default 32. */
  maxDepth?: number;
  /** Deflated transfer syntax only: most compressed and inflated bytes held; default 64 MiB. */
  maxDeflatedBytes?: number;
}

export const DEFAULT_MAX_HEADER_BYTES = 16 * 1024 * 1024;
export const DEFAULT_MAX_DEPTH = 32;
export const DEFAULT_MAX_DEFLATED_BYTES = 64 * 1024 * 1024;

const PREAMBLE_AND_PREFIX = 132;

type Stage = 'preamble' | 'meta' | 'dataset' | 'deflated' | 'ended';

/**
 * Incremental structural reader: feed every chunk of a Part 10 file (mode 'part10') or of a bare
 * DIMSE data set (mode 'dataset' + its transfer syntax). Keeps only the header bytes (up to Pixel
 * Data) in memory; after the header it only tracks element/fragment boundaries (O(1) memory),
 * so end() can tell a complete object from a truncated one. Throws DicomRefusedError (from push
 * as soon as the input is known bad, else from end), and the same error again on later calls.
 *
 * Part 10 without a file meta group: pydicom-style "no meta" files are accepted when the data
 * clearly starts with a group 0008 element (after no preamble); explicit vs implicit VR is told by
 * whether bytes 4-5 are a VR, little vs big endian by the byte order of the group number.
 * A file that starts with the meta group but has no preamble is read too.
 *
 * Deflated Explicit VR Little Endian: the compressed data set is buffered (up to
 * maxDeflatedBytes) and inflated at end(), so `header` only appears after end() for it.
 */
export class DicomStreamScanner {
  private stage: Stage = 'preamble';
  private readonly pending = new ByteQueue();
  private metaReader: FileMetaReader | undefined;
  private tokenizer: DatasetTokenizer | undefined;
  private deflatedChunks: Uint8Array[] = [];
  private deflatedBytes = 0;
  private transferSyntax: TransferSyntax | undefined;
  private transferSyntaxUid = '';
  private received = 0;
  private result: DicomInstanceHeader | undefined;
  private failure: DicomRefusedError | undefined;
  private readonly maxHeaderBytes: number;
  private readonly maxDepth: number;
  private readonly maxDeflatedBytes: number;

  constructor(options: DicomScanMode, limits: DicomScanLimits = {}) {
    this.maxHeaderBytes = limits.maxHeaderBytes ?? DEFAULT_MAX_HEADER_BYTES;
    this.maxDepth = limits.maxDepth ?? DEFAULT_MAX_DEPTH;
    this.maxDeflatedBytes = limits.maxDeflatedBytes ?? DEFAULT_MAX_DEFLATED_BYTES;
    if (options.mode === 'dataset') {
      const syntax = transferSyntaxOf(options.transferSyntaxUid);
      // Deferred to the first push/end, so constructing never throws and the caller has one error path.
      if (!syntax) this.failure = unknownSyntax();
      else this.startDataset(syntax, 0);
    }
  }

  /** The header once everything before Pixel Data (or the whole data set) has been read; else undefined. */
  get header(): DicomInstanceHeader | undefined {
    return this.result;
  }

  /** Bytes pushed so far. */
  get bytesReceived(): number {
    return this.received;
  }

  push(chunk: Uint8Array): void {
    if (this.failure) throw this.failure;
    if (this.stage === 'ended') throw new Error('DicomStreamScanner.push after end()');
    this.received += chunk.length;
    try {
      this.feed(chunk);
    } catch (error) {
      throw this.fail(error);
    }
  }

  /** Call at end of stream: validates completeness, returns the header. */
  end(): DicomInstanceHeader {
    if (this.failure) throw this.failure;
    if (this.stage === 'ended' && this.result) return this.result;
    try {
      this.finish();
    } catch (error) {
      throw this.fail(error);
    }
    this.stage = 'ended';
    return this.result!;
  }

  private fail(error: unknown): unknown {
    if (error instanceof DicomRefusedError) this.failure = error;
    return error;
  }

  private feed(chunk: Uint8Array): void {
    switch (this.stage) {
      case 'dataset':
        this.tokenizer!.push(chunk);
        return;
      case 'deflated':
        this.deflatedBytes += chunk.length;
        if (this.deflatedBytes > this.maxDeflatedBytes) {
          throw new DicomRefusedError('DICOM_HEADER_TOO_LARGE', `the deflated data set is larger than ${this.maxDeflatedBytes} bytes`, this.received);
        }
        this.deflatedChunks.push(Uint8Array.from(chunk));
        return;
      default:
        this.feedPrefix(chunk);
    }
  }

  /** Preamble and file meta: parsed from the chunk itself when it holds them, else from `pending`. */
  private feedPrefix(chunk: Uint8Array): void {
    const work = this.pending.length > 0 ? this.pending.append(chunk) : chunk;
    if (this.stage === 'preamble') {
      if (work.length < PREAMBLE_AND_PREFIX) return this.keep(work, chunk);
      if (!this.choosePrefix(work)) return;
    }
    if (this.metaReader!.advance(work)) {
      this.pending.clear();
      this.afterMeta(work.subarray(this.metaReader!.endOffset));
      return;
    }
    this.keep(work, chunk);
  }

  private keep(work: Uint8Array, chunk: Uint8Array): void {
    if (work === chunk) this.pending.append(chunk);
    if (this.pending.length > this.maxHeaderBytes) {
      throw new DicomRefusedError('DICOM_HEADER_TOO_LARGE', `the file meta group is larger than ${this.maxHeaderBytes} bytes`, this.received);
    }
  }

  /** Decides how the stream starts. True when a meta group follows; false when the data set started. */
  private choosePrefix(work: Uint8Array): boolean {
    if (work.length >= PREAMBLE_AND_PREFIX && work[128] === 0x44 && work[129] === 0x49 && work[130] === 0x43 && work[131] === 0x4d) {
      this.metaReader = new FileMetaReader(PREAMBLE_AND_PREFIX);
      this.stage = 'meta';
      return true;
    }
    if (work.length >= 6 && work[0] === 0x02 && work[1] === 0x00 && vrCodeOfBytes(work[4]!, work[5]!) >= 0) {
      this.metaReader = new FileMetaReader(0);
      this.stage = 'meta';
      return true;
    }
    const guessed = guessBareDataset(work);
    if (!guessed) {
      throw new DicomRefusedError('DICOM_NOT_PART10', "no 'DICM' prefix at byte 128 and the data does not start like a DICOM data set", 0);
    }
    this.pending.clear();
    this.startDataset(transferSyntaxOf(guessed)!, 0);
    this.tokenizer!.push(work);
    return false;
  }

  private afterMeta(rest: Uint8Array): void {
    const uid = this.metaReader!.info.transferSyntaxUid;
    if (!uid) {
      throw new DicomRefusedError('DICOM_UNKNOWN_TRANSFER_SYNTAX', 'the file meta group has no Transfer Syntax UID (0002,0010)', this.metaReader!.endOffset);
    }
    const syntax = transferSyntaxOf(uid);
    if (!syntax) throw unknownSyntax(this.metaReader!.endOffset);
    this.startDataset(syntax, this.metaReader!.endOffset);
    if (rest.length > 0) this.feed(rest);
  }

  private startDataset(syntax: TransferSyntax, offset: number): void {
    this.transferSyntax = syntax;
    this.transferSyntaxUid = syntax.uid;
    if (syntax.deflated) {
      this.stage = 'deflated';
      return;
    }
    this.stage = 'dataset';
    this.tokenizer = this.newTokenizer(syntax, offset);
  }

  private newTokenizer(syntax: TransferSyntax, baseOffset: number): DatasetTokenizer {
    const tokenizer: DatasetTokenizer = new DatasetTokenizer({
      explicitVr: syntax.explicitVr,
      littleEndian: syntax.littleEndian,
      baseOffset,
      // Stream offsets: the limit counts preamble and file meta too (in the inflated data set for deflate).
      headerLimitOffset: this.maxHeaderBytes,
      maxDepth: this.maxDepth,
      onHeaderComplete: (pixelDataOffset) => {
        this.result = buildInstanceHeader(this.transferSyntaxUid, tokenizer.metadata, pixelDataOffset);
      },
    });
    return tokenizer;
  }

  private finish(): void {
    if (this.stage === 'preamble') {
      const work = this.pending.view();
      if (work.length === 0) throw new DicomRefusedError('DICOM_NOT_PART10', 'the data is empty', 0);
      if (work.every((byte) => byte === 0)) {
        throw new DicomRefusedError('DICOM_TRUNCATED', 'the data ends inside the 128-byte preamble', work.length);
      }
      this.choosePrefix(work);
    }
    if (this.stage === 'meta') {
      const work = this.pending.view();
      this.metaReader!.finish(work);
      this.pending.clear();
      this.afterMeta(work.subarray(this.metaReader!.endOffset));
    }
    if (this.stage === 'deflated') this.inflate();
    const tokenizer = this.tokenizer!;
    tokenizer.end();
    if (!this.result) this.result = buildInstanceHeader(this.transferSyntaxUid, tokenizer.metadata, tokenizer.position);
  }

  private inflate(): void {
    const compressed = Buffer.concat(this.deflatedChunks);
    this.deflatedChunks = [];
    let inflated: Buffer;
    try {
      inflated = inflateRawSync(compressed, { maxOutputLength: this.maxDeflatedBytes });
    } catch (error) {
      const code = (error as { code?: string }).code;
      if (code === 'ERR_BUFFER_TOO_LARGE' || error instanceof RangeError) {
        throw new DicomRefusedError('DICOM_HEADER_TOO_LARGE', `the inflated data set is larger than ${this.maxDeflatedBytes} bytes`);
      }
      if (code === 'Z_BUF_ERROR') throw new DicomRefusedError('DICOM_TRUNCATED', 'the deflated data set ends early');
      throw new DicomRefusedError('DICOM_BAD_ENCODING', 'the deflated data set is not a valid deflate stream');
    }
    // Offsets in messages are offsets in the inflated data set from here on.
    this.stage = 'dataset';
    this.tokenizer = this.newTokenizer(this.transferSyntax!, 0);
    this.tokenizer.push(inflated);
  }
}

function unknownSyntax(offset?: number): DicomRefusedError {
  return new DicomRefusedError('DICOM_UNKNOWN_TRANSFER_SYNTAX', 'the transfer syntax is not one the engine accepts', offset);
}

/**
 * The transfer syntax of a data set written without preamble or meta, when its first element is
 * clearly a group 0008 element; undefined otherwise.
 */
function guessBareDataset(bytes: Uint8Array): string | undefined {
  if (bytes.length < 8) return undefined;
  const explicit = vrCodeOfBytes(bytes[4]!, bytes[5]!) >= 0;
  if (bytes[0] === 0x08 && bytes[1] === 0x00) return explicit ? EXPLICIT_VR_LITTLE_ENDIAN : IMPLICIT_VR_LITTLE_ENDIAN;
  if (bytes[0] === 0x00 && bytes[1] === 0x08 && explicit) return EXPLICIT_VR_BIG_ENDIAN;
  return undefined;
}
