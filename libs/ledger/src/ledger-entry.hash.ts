import { createHash } from 'node:crypto';
import type { LedgerEntryRow } from './ledger-entry.store.js';
import type { Hex32 } from './ledger.port.js';

/** prevHash of the first entry. */
export const GENESIS_PREV_HASH: Hex32 = '0'.repeat(64);

/** Domain tag: a hash of this encoding can never be confused with a hash of anything else. */
const DOMAIN = Buffer.from('hie-ledger-entry-v1\u0000', 'utf8');

function u32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n);
  return b;
}

function text(value: string): Buffer[] {
  const bytes = Buffer.from(value, 'utf8');
  return [u32(bytes.length), bytes];
}

/**
 * entryHash of a ledger row, as 64 lowercase hex. The encoding is fixed (version 1) and
 * length-prefixed, so no two different rows encode to the same bytes:
 *
 *   SHA-256( "hie-ledger-entry-v1" 0x00
 *            || uint64be(seq)
 *            || uint32be(len) || kind        (UTF-8)
 *            || uint32be(len) || entryKey    (UTF-8)
 *            || uint32be(len) || payload     (UTF-8)
 *            || prevHash                     (32 raw bytes)
 *            || int64be(createdAt, Unix milliseconds) )
 *
 * Any language can recompute it from the table alone (with the public key, check the signature too).
 */
export function computeEntryHash(row: Omit<LedgerEntryRow, 'entryHash' | 'signature'>): Hex32 {
  const seq = Buffer.alloc(8);
  seq.writeBigUInt64BE(BigInt(row.seq));
  const createdAt = Buffer.alloc(8);
  createdAt.writeBigInt64BE(BigInt(row.createdAt.getTime()));
  return createHash('sha256')
    .update(DOMAIN)
    .update(seq)
    .update(Buffer.concat([...text(row.kind), ...text(row.entryKey), ...text(row.payload)]))
    .update(Buffer.from(row.prevHash, 'hex'))
    .update(createdAt)
    .digest('hex');
}
