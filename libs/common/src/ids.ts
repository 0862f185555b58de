import { createHmac, randomBytes } from 'node:crypto';

/**
 * A time-ordered UUID (RFC 9562 v7): message ids sort by arrival, which keeps the
 * message store's primary-key index append-only.
 */
export function uuidv7(now: number = Date.now()): string {
  const bytes = randomBytes(16);
  bytes.writeUIntBE(now, 0, 6);
  bytes[6] = (bytes[6]! & 0x0f) | 0x70;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  return formatUuid(bytes);
}

/**
 * A deterministic resource id from source identifiers. Keyed (HMAC-SHA256 with a
 * deployment secret), so an id — which is a storage key — never reveals or confirms
 * the MRN or name it was derived from. Same inputs, same id: a resent message updates.
 */
export function deterministicId(secret: string, parts: readonly string[]): string {
  const mac = createHmac('sha256', secret).update(parts.join('\u001f')).digest();
  const bytes = mac.subarray(0, 16);
  bytes[6] = (bytes[6]! & 0x0f) | 0x80; // version 8: custom, per RFC 9562
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  return formatUuid(bytes);
}

function formatUuid(b: Uint8Array): string {
  const h = Buffer.from(b).toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}
