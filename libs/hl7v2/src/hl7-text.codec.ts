import { decodeBytes, latin1, lookupCharset } from './hl7-charset.js';
import { readHeaderLeniently } from './hl7-header.lenient-reader.js';

/**
 * Encodes ER7 text (an ACK, a message to send) into bytes in the character set its own
 * MSH-18 declares: Latin-1 for `8859/1` (characters outside it become `?`), UTF-8 for
 * everything else, which is also right for plain ASCII.
 */
export function encodeHl7Text(text: string): Buffer {
  const declared = readHeaderLeniently(text).header.characterSet;
  if (declared !== undefined && lookupCharset(declared) === 'latin1') {
    return Buffer.from(text.replace(/[^\x00-\xff]/g, '?'), 'latin1');
  }
  return Buffer.from(text, 'utf8');
}

/**
 * Decodes ER7 bytes (typically an ACK received) as text, per its MSH-18 when supported,
 * else leniently (UTF-8 when valid, Latin-1 otherwise). Never throws; for full validation
 * use `parseHl7`, which refuses what this tolerates.
 */
export function decodeHl7Text(bytes: Uint8Array): string {
  const declared = readHeaderLeniently(bytes).header.characterSet ?? '';
  const charset = lookupCharset(declared) ?? 'ascii';
  return decodeBytes(bytes, charset) ?? decodeBytes(bytes, 'ascii') ?? latin1(bytes);
}

/** Character sets an ACK can echo in MSH-18, because {@link encodeHl7Text} can write them. */
export function isEncodableCharset(msh18: string): boolean {
  const charset = lookupCharset(msh18);
  return charset === 'ascii' || charset === 'latin1' || charset === 'utf-8';
}
