import { CID } from 'multiformats/cid';
import { InvalidCidError } from './storage.errors.js';

/** Multicodec of raw leaves (content up to one chunk is stored as a single raw block). */
export const RAW_CODEC = 0x55;
/** Multicodec of UnixFS file roots above one chunk. */
export const DAG_PB_CODEC = 0x70;
/** Multihash code of sha2-256, the only hash this store writes or verifies. */
export const SHA2_256 = 0x12;

// A base32 CIDv1 of sha2-256 is 59 characters; the bound just stops absurd input early.
const MAX_CID_CHARS = 128;

/**
 * Parses a CID string as the stores accept it: CIDv0 or CIDv1 (base32 or base58btc), raw or
 * dag-pb, sha2-256: the only CIDs UnixFS content with default import settings can have.
 * Returns the CIDv1 form, whose base32 string is the storage key.
 * @throws InvalidCidError for anything else.
 */
export function parseContentCid(text: string): CID {
  if (typeof text !== 'string' || text.length === 0 || text.length > MAX_CID_CHARS) {
    throw new InvalidCidError('not a CID string', typeof text === 'string' ? text.length : 0);
  }
  let cid: CID;
  try {
    cid = CID.parse(text);
  } catch {
    throw new InvalidCidError('not a CID string', text.length);
  }
  if (cid.code !== RAW_CODEC && cid.code !== DAG_PB_CODEC) {
    throw new InvalidCidError(`codec 0x${cid.code.toString(16)} is not raw or dag-pb`, text.length);
  }
  if (cid.multihash.code !== SHA2_256 || cid.multihash.size !== 32) {
    throw new InvalidCidError('hash is not sha2-256', text.length);
  }
  return cid.toV1();
}
