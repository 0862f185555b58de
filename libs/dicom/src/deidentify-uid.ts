import { createHmac } from 'node:crypto';

/**
 * The replacement for a UID under the Basic Profile with Retain UIDs off: a UUID-derived UID
 * (PS3.5 B.2) "2.25." + the decimal of a 128-bit UUID built from the first 16 bytes of
 * HMAC-SHA256(secret, uid). Deterministic, so every instance of a study maps its Study/Series
 * UIDs (and references to other instances) to the same new values; keyed, so nobody without the
 * secret can confirm a guessed original. The version nibble is set to 8 and the variant bits to
 * 10 (RFC 9562 "custom" UUID) so the 128 bits are a well-formed UUID, as B.2 asks; the integer is
 * read unsigned (the top bit is data, not a sign) and printed without leading zeros: at most
 * 39 digits, 44 characters in all (the UI limit is 64).
 */
export function deidentifiedUid(secret: string, uid: string): string {
  const bytes = createHmac('sha256', secret).update(uid, 'latin1').digest().subarray(0, 16);
  bytes[6] = (bytes[6]! & 0x0f) | 0x80;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  return `2.25.${BigInt(`0x${bytes.toString('hex')}`).toString(10)}`;
}
