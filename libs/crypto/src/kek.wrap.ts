import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { KeyMaterialError, KeyUnavailableError } from './crypto.errors.js';
import type { WrappedKey } from './key-provider.js';

const NONCE_BYTES = 12;
const TAG_BYTES = 16;
/** KEKs and data keys are both AES-256 keys. */
export const KEY_BYTES = 32;

/**
 * The wrap AAD binds the KEK id and the caller's context, so a wrapped key cannot be
 * presented as another data key's (context) or as wrapped under another KEK. The kekId is a
 * UUID (no NUL) and context comes last, so the encoding is unambiguous.
 */
function wrapAad(kekId: string, context: string): Buffer {
  return Buffer.from(`hie-dek/1\u0000${kekId}\u0000${context}`, 'utf8');
}

/** AES-256-GCM wrap of a data key; shared by every KeyProvider driver that holds KEKs itself. */
export function wrapWithKek(kek: Buffer, kekId: string, dataKey: Buffer, context: string): WrappedKey {
  if (dataKey.length !== KEY_BYTES) throw new KeyMaterialError('dataKey', 'must be 32 bytes');
  const nonce = randomBytes(NONCE_BYTES);
  const cipher = createCipheriv('aes-256-gcm', kek, nonce, { authTagLength: TAG_BYTES });
  cipher.setAAD(wrapAad(kekId, context));
  const body = Buffer.concat([cipher.update(dataKey), cipher.final()]);
  return { kekId, wrapped: Buffer.concat([nonce, cipher.getAuthTag(), body]) };
}

/** Inverse of {@link wrapWithKek}; any authentication failure is a KeyUnavailableError. */
export function unwrapWithKek(kek: Buffer, w: WrappedKey, context: string): Buffer {
  if (w.wrapped.length !== NONCE_BYTES + TAG_BYTES + KEY_BYTES) throw new KeyUnavailableError(w.kekId, 'unwrap-failed');
  try {
    const decipher = createDecipheriv('aes-256-gcm', kek, w.wrapped.subarray(0, NONCE_BYTES), { authTagLength: TAG_BYTES });
    decipher.setAAD(wrapAad(w.kekId, context));
    decipher.setAuthTag(w.wrapped.subarray(NONCE_BYTES, NONCE_BYTES + TAG_BYTES));
    return Buffer.concat([decipher.update(w.wrapped.subarray(NONCE_BYTES + TAG_BYTES)), decipher.final()]);
  } catch {
    throw new KeyUnavailableError(w.kekId, 'unwrap-failed');
  }
}
