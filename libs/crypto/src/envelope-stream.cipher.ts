import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { EnvelopeError, KeyMaterialError } from './crypto.errors.js';

/*
 * Streamed envelope (format 2): segmented AES-256-GCM for objects too large to hold whole
 * (DICOM instances up to hundreds of MB), all lengths in bytes:
 *
 *   | 0x02 | keyId | baseNonce | segmentSize (u32 BE) | seg 0 ct | tag 0 | seg 1 ct | tag 1 | ... | seg n ct | tag n |
 *     1      16      12          4                      ≤ segmentSize  16
 *
 * - Every segment but the last carries exactly segmentSize plaintext bytes; the last carries
 *   1..segmentSize (0 only when the whole plaintext is empty: one empty segment, just a tag).
 *   A plaintext of an exact multiple of segmentSize ends with a FULL last segment (no empty
 *   trailer), so a reader can only tell "last" by reaching the end of the envelope: it looks one
 *   byte past each segment before opening it.
 * - nonce_i = baseNonce XOR u32 BE(i) in its last four bytes: unique per segment under one
 *   random baseNonce (the same random-IV argument as format 1, one draw per object).
 * - AAD_i = header ‖ caller aad ‖ u32 BE(i) ‖ lastFlag (0x01 on the last segment, else 0x00).
 *   The header binds format, key id, nonce and segment size; the caller aad binds the record
 *   version; i detects reordering and dropped segments; the flag detects truncation at a segment
 *   boundary (the new end was sealed as "not last") and appended data (the real last segment
 *   is then read as "not last"). Segments moved from another object fail on its baseNonce/header.
 * - Each segment is verified (GCM final) before its plaintext is released, so a reader never
 *   sees unauthenticated bytes; memory stays at about one segment in both directions.
 */
const FORMAT_V2 = 0x02;
const KEY_ID_BYTES = 16;
const NONCE_BYTES = 12;
const TAG_BYTES = 16;
const NONCE_OFFSET = 1 + KEY_ID_BYTES;
const SEGMENT_SIZE_OFFSET = NONCE_OFFSET + NONCE_BYTES;
const HEADER_BYTES = SEGMENT_SIZE_OFFSET + 4;
const DATA_KEY_BYTES = 32;
const DEFAULT_SEGMENT_BYTES = 1024 * 1024;
/** Readers allocate one segment from an unauthenticated header field: cap it so a forged header cannot ask for GBs. */
const MAX_SEGMENT_BYTES = 16 * 1024 * 1024;
const MAX_SEGMENTS = 0x1_0000_0000;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Size of the streamed envelope header (format, key id, base nonce, segment size). */
export const ENVELOPE_STREAM_HEADER_BYTES = HEADER_BYTES;

/**
 * Encrypts a plaintext stream into a format-2 envelope (see the layout above), yielding the
 * header first, then each segment's ciphertext and tag as soon as the segment is known to be
 * full. Holds at most one segment of plaintext; any input chunking works (empty input gives a
 * header plus one empty segment). Throws KeyMaterialError for a bad key, key id or segment size.
 */
export async function* sealEnvelopeStream(
  input: { keyId: string; key: Buffer; aad: Uint8Array; segmentSize?: number },
  plaintext: AsyncIterable<Uint8Array>,
): AsyncIterable<Buffer> {
  if (!UUID.test(input.keyId)) throw new KeyMaterialError('keyId', 'must be a UUID');
  if (input.key.length !== DATA_KEY_BYTES) throw new KeyMaterialError('key', 'must be 32 bytes');
  const segmentSize = input.segmentSize ?? DEFAULT_SEGMENT_BYTES;
  if (!Number.isInteger(segmentSize) || segmentSize < 1 || segmentSize > MAX_SEGMENT_BYTES) {
    throw new KeyMaterialError('segmentSize', `must be an integer from 1 to ${MAX_SEGMENT_BYTES}`);
  }
  const header = Buffer.allocUnsafe(HEADER_BYTES);
  header[0] = FORMAT_V2;
  header.write(input.keyId.replaceAll('-', ''), 1, KEY_ID_BYTES, 'hex');
  randomBytes(NONCE_BYTES).copy(header, NONCE_OFFSET);
  header.writeUInt32BE(segmentSize, SEGMENT_SIZE_OFFSET);
  const segments = new SegmentCrypto(input.key, header, input.aad);
  yield Buffer.from(header);

  // Plaintext of the segment being filled. Copied because callers may reuse their chunk buffers.
  const pending = Buffer.allocUnsafe(segmentSize);
  let filled = 0;
  for await (const chunk of plaintext) {
    const bytes = asBuffer(chunk);
    let pos = 0;
    while (pos < bytes.length) {
      if (filled === segmentSize) {
        // More bytes exist, so the buffered full segment is not the last one.
        yield* segments.seal(pending, false);
        filled = 0;
      }
      const left = bytes.length - pos;
      if (filled === 0 && left > segmentSize) {
        // Fast path for large chunks: a whole segment with more bytes after it in the same chunk
        // is sealed straight from the caller's buffer (it stays valid until we ask for the next).
        yield* segments.seal(bytes.subarray(pos, pos + segmentSize), false);
        pos += segmentSize;
        continue;
      }
      const n = Math.min(segmentSize - filled, left);
      bytes.copy(pending, filled, pos, pos + n);
      filled += n;
      pos += n;
    }
  }
  yield* segments.seal(pending.subarray(0, filled), true);
}

/**
 * Decrypts a format-2 envelope stream, yielding each segment's plaintext only after its tag
 * verified. Any failure (short or unknown header, wrong key or aad, a changed bit, reordered,
 * dropped, swapped or appended segments, truncation anywhere) throws the one opaque
 * EnvelopeError; plaintext already yielded belongs to verified earlier segments only.
 */
export async function* openEnvelopeStream(
  key: Buffer,
  aad: Uint8Array,
  envelope: AsyncIterable<Uint8Array>,
): AsyncIterable<Buffer> {
  if (key.length !== DATA_KEY_BYTES) throw new EnvelopeError();
  const header = Buffer.allocUnsafe(HEADER_BYTES);
  let headerFilled = 0;
  let segments: SegmentCrypto | undefined;
  let sealedSize = 0; // segment size + tag, once the header is read
  let pending = Buffer.alloc(0);
  let filled = 0;

  for await (const chunk of envelope) {
    const bytes = asBuffer(chunk);
    let pos = 0;
    if (!segments) {
      const n = Math.min(HEADER_BYTES - headerFilled, bytes.length);
      bytes.copy(header, headerFilled, 0, n);
      headerFilled += n;
      pos = n;
      if (headerFilled < HEADER_BYTES) continue;
      const segmentSize = header.readUInt32BE(SEGMENT_SIZE_OFFSET);
      if (header[0] !== FORMAT_V2 || segmentSize < 1 || segmentSize > MAX_SEGMENT_BYTES) throw new EnvelopeError();
      segments = new SegmentCrypto(key, header, aad);
      sealedSize = segmentSize + TAG_BYTES;
      pending = Buffer.allocUnsafe(sealedSize);
    }
    while (pos < bytes.length) {
      if (filled === sealedSize) {
        yield segments.open(pending, false);
        filled = 0;
      }
      const left = bytes.length - pos;
      if (filled === 0 && left > sealedSize) {
        yield segments.open(bytes.subarray(pos, pos + sealedSize), false);
        pos += sealedSize;
        continue;
      }
      const n = Math.min(sealedSize - filled, left);
      bytes.copy(pending, filled, pos, pos + n);
      filled += n;
      pos += n;
    }
  }
  if (!segments) throw new EnvelopeError();
  yield segments.open(pending.subarray(0, filled), true);
}

/**
 * The data key id (UUID string) a format-2 envelope was sealed with, from its first bytes
 * (at least the 17 of format and key id); EnvelopeError if they are not a format-2 header.
 */
export function envelopeStreamKeyId(firstBytes: Uint8Array): string {
  if (firstBytes.byteLength < 1 + KEY_ID_BYTES || firstBytes[0] !== FORMAT_V2) throw new EnvelopeError();
  const h = Buffer.from(firstBytes.buffer, firstBytes.byteOffset + 1, KEY_ID_BYTES).toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

/** Per-object segment state: the running index, nonce derivation and AAD buffer. */
class SegmentCrypto {
  private index = 0;
  private readonly nonce: Buffer;
  private readonly baseNonceTail: number;
  /** header ‖ aad ‖ u32(i) ‖ flag, rewritten in place per segment (setAAD copies it into OpenSSL). */
  private readonly segmentAad: Buffer;

  constructor(
    private readonly key: Buffer,
    header: Buffer,
    aad: Uint8Array,
  ) {
    this.nonce = Buffer.from(header.subarray(NONCE_OFFSET, NONCE_OFFSET + NONCE_BYTES));
    this.baseNonceTail = this.nonce.readUInt32BE(NONCE_BYTES - 4);
    this.segmentAad = Buffer.concat([header, aad, Buffer.alloc(5)]);
  }

  /** Ciphertext and tag of the next segment (two buffers, to save a copy of the segment). */
  seal(plaintext: Buffer, last: boolean): Buffer[] {
    this.next(last);
    const cipher = createCipheriv('aes-256-gcm', this.key, this.nonce, { authTagLength: TAG_BYTES });
    cipher.setAAD(this.segmentAad);
    const body = cipher.update(plaintext);
    cipher.final(); // GCM emits nothing here
    return [body, cipher.getAuthTag()];
  }

  /** Plaintext of the next segment (ciphertext followed by its tag), verified. */
  open(sealed: Buffer, last: boolean): Buffer {
    if (sealed.length < TAG_BYTES) throw new EnvelopeError();
    this.next(last);
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.key, this.nonce, { authTagLength: TAG_BYTES });
      decipher.setAAD(this.segmentAad);
      decipher.setAuthTag(sealed.subarray(sealed.length - TAG_BYTES));
      const body = decipher.update(sealed.subarray(0, sealed.length - TAG_BYTES));
      decipher.final();
      return body;
    } catch {
      // One opaque failure for every cause, as in format 1.
      throw new EnvelopeError();
    }
  }

  private next(last: boolean): void {
    const i = this.index++;
    if (i >= MAX_SEGMENTS) throw new EnvelopeError('Envelope stream has too many segments');
    this.nonce.writeUInt32BE((this.baseNonceTail ^ i) >>> 0, NONCE_BYTES - 4);
    const tail = this.segmentAad.length - 5;
    this.segmentAad.writeUInt32BE(i, tail);
    this.segmentAad[tail + 4] = last ? 1 : 0;
  }
}

function asBuffer(chunk: Uint8Array): Buffer {
  return Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
}
