import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { EnvelopeError, KeyMaterialError } from './crypto.errors.js';

/*
 * Envelope layout (format 1), all lengths in bytes:
 *
 *   0      1        17       29     45
 *   | 0x01 | keyId  | nonce  | tag  | ciphertext ... |
 *     1      16       12       16     = plaintext length
 *
 * - keyId: the 16 bytes of the data key's UUID, so a reader knows which wrapped key to fetch
 *   before it can decrypt.
 * - nonce: 12 random bytes, fresh for every seal (each record version), per NIST SP 800-38D
 *   for random IVs; per-patient keys keep the count per key far below the 2^32 limit.
 * - tag: the 16-byte AES-256-GCM tag (full length; shorter tags are refused on open).
 * - GCM AAD = header (format | keyId | nonce) ++ caller aad. Binding the header means a
 *   changed format byte or key id fails authentication; binding the caller's aad (e.g.
 *   `Patient/abc/_history/3`) means a ciphertext moved to another record fails too.
 */
const FORMAT_V1 = 0x01;
const KEY_ID_BYTES = 16;
const NONCE_BYTES = 12;
const TAG_BYTES = 16;
const HEADER_BYTES = 1 + KEY_ID_BYTES + NONCE_BYTES;
const MIN_ENVELOPE_BYTES = HEADER_BYTES + TAG_BYTES;
const DATA_KEY_BYTES = 32;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A fresh 256-bit data key. */
export function generateDataKey(): Buffer {
  return randomBytes(DATA_KEY_BYTES);
}

/** Encrypts `plaintext` under `key` (AES-256-GCM); see the layout above. */
export function sealEnvelope(input: { keyId: string; key: Buffer; plaintext: Uint8Array; aad: Uint8Array }): Buffer {
  if (!UUID.test(input.keyId)) throw new KeyMaterialError('keyId', 'must be a UUID');
  if (input.key.length !== DATA_KEY_BYTES) throw new KeyMaterialError('key', 'must be 32 bytes');
  const header = Buffer.allocUnsafe(HEADER_BYTES);
  header[0] = FORMAT_V1;
  header.write(input.keyId.replaceAll('-', ''), 1, KEY_ID_BYTES, 'hex');
  randomBytes(NONCE_BYTES).copy(header, 1 + KEY_ID_BYTES);
  const nonce = header.subarray(1 + KEY_ID_BYTES, HEADER_BYTES);

  const cipher = createCipheriv('aes-256-gcm', input.key, nonce, { authTagLength: TAG_BYTES });
  cipher.setAAD(Buffer.concat([header, input.aad]));
  const body = Buffer.concat([cipher.update(input.plaintext), cipher.final()]);
  return Buffer.concat([header, cipher.getAuthTag(), body]);
}

/** The data key id (UUID string) an envelope was sealed with; EnvelopeError if it is not one. */
export function envelopeKeyId(envelope: Uint8Array): string {
  checkHeader(envelope);
  const h = Buffer.from(envelope.buffer, envelope.byteOffset + 1, KEY_ID_BYTES).toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

/**
 * Decrypts and authenticates an envelope. Any failure (short input, unknown format, wrong
 * key, wrong aad, a changed bit anywhere) is the same EnvelopeError, carrying no data.
 */
export function openEnvelope(envelope: Uint8Array, key: Buffer, aad: Uint8Array): Buffer {
  checkHeader(envelope);
  const bytes = Buffer.from(envelope.buffer, envelope.byteOffset, envelope.byteLength);
  const header = bytes.subarray(0, HEADER_BYTES);
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, header.subarray(1 + KEY_ID_BYTES), { authTagLength: TAG_BYTES });
    decipher.setAAD(Buffer.concat([header, aad]));
    decipher.setAuthTag(bytes.subarray(HEADER_BYTES, MIN_ENVELOPE_BYTES));
    return Buffer.concat([decipher.update(bytes.subarray(MIN_ENVELOPE_BYTES)), decipher.final()]);
  } catch {
    // Node's messages (bad key length, "Unsupported state or unable to authenticate data")
    // are replaced: one opaque failure for every cause.
    throw new EnvelopeError();
  }
}

function checkHeader(envelope: Uint8Array): void {
  if (envelope.byteLength < MIN_ENVELOPE_BYTES || envelope[0] !== FORMAT_V1) throw new EnvelopeError();
}
