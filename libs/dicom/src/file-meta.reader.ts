import { DicomRefusedError } from './dicom-refused.error.js';
import { UNDEFINED_LENGTH, tagText } from './dicom-tag.js';
import { isLongVr, vrCodeOfBytes } from './dicom-vr.js';

/** The file meta attributes the reader uses (PS3.10 7.1). */
export interface FileMetaInfo {
  transferSyntaxUid?: string;
  mediaStorageSopClassUid?: string;
  mediaStorageSopInstanceUid?: string;
}

function uidText(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1').replace(/[\0 ]+$/, '').trim();
}

/**
 * Incremental reader of the file meta group (always explicit VR little endian). The group ends at
 * the first element of another group: (0002,0000) group lengths are not trusted, because real
 * files get them wrong or leave them out. Resumes at element boundaries, so re-reading a growing
 * buffer costs O(1) per call.
 */
export class FileMetaReader {
  readonly info: FileMetaInfo = {};
  private pos: number;
  /** Offset of the first data set byte, once the group has ended. */
  endOffset = -1;

  constructor(start: number) {
    this.pos = start;
  }

  /** Reads what `buf` (the stream from offset 0) holds; true once the meta group has ended. */
  advance(buf: Uint8Array): boolean {
    for (;;) {
      const p = this.pos;
      if (buf.length - p < 8) return false;
      const group = buf[p]! | (buf[p + 1]! << 8);
      if (group !== 0x0002) {
        this.endOffset = p;
        return true;
      }
      const tag = ((group << 16) | buf[p + 2]! | (buf[p + 3]! << 8)) >>> 0;
      const vr = vrCodeOfBytes(buf[p + 4]!, buf[p + 5]!);
      if (vr < 0) throw new DicomRefusedError('DICOM_BAD_ENCODING', `file meta element ${tagText(tag)} has no valid VR`, p);
      const long = isLongVr(vr);
      if (long && buf.length - p < 12) return false;
      const length = long ? (buf[p + 8]! | (buf[p + 9]! << 8) | (buf[p + 10]! << 16) | (buf[p + 11]! << 24)) >>> 0 : buf[p + 6]! | (buf[p + 7]! << 8);
      if (length === UNDEFINED_LENGTH) {
        throw new DicomRefusedError('DICOM_BAD_ENCODING', `file meta element ${tagText(tag)} has undefined length`, p);
      }
      const start = p + (long ? 12 : 8);
      if (start + length > buf.length) return false;
      const value = buf.subarray(start, start + length);
      if (tag === 0x00020010) this.info.transferSyntaxUid = uidText(value);
      else if (tag === 0x00020002) this.info.mediaStorageSopClassUid = uidText(value);
      else if (tag === 0x00020003) this.info.mediaStorageSopInstanceUid = uidText(value);
      this.pos = start + length;
    }
  }

  /** At end of stream: the group ends with the data, or the data ends inside one of its elements. */
  finish(buf: Uint8Array): void {
    if (this.advance(buf)) return;
    if (this.pos === buf.length) {
      this.endOffset = this.pos;
      return;
    }
    const p = this.pos;
    const available = buf.length - p;
    const headerSize = available >= 6 && isLongVr(vrCodeOfBytes(buf[p + 4]!, buf[p + 5]!)) ? 12 : 8;
    if (available >= headerSize) {
      throw new DicomRefusedError('DICOM_LENGTH_BEYOND_END', 'a file meta element declares more bytes than the data holds', p);
    }
    throw new DicomRefusedError('DICOM_TRUNCATED', 'the data ends inside the file meta group', buf.length);
  }
}
