import { InvalidInputError } from '@hie/common';
import { isUuid } from '../sql/batching.js';
import type { NewProtectedRecord } from './protection.model.js';

const HEX64 = /^[0-9a-f]{64}$/;

/** 64 lowercase hex chars: every hash and root the store keeps. */
export function isHex64(value: string): boolean {
  return HEX64.test(value);
}

/** A resource type or id as the FHIR store keys it. */
function isKeyPart(value: string): boolean {
  return value.length > 0 && value.length <= 64;
}

/**
 * Refuses a record the tables cannot hold or that would break a uuid cast. Details name the
 * index and field only, never a value.
 */
export function validateRecords(records: readonly NewProtectedRecord[]): void {
  records.forEach((r, index) => {
    const bad = (field: string): never => {
      throw new InvalidInputError('STORE_BAD_RECORD', 'Invalid protected record', { index, field });
    };
    if (!isKeyPart(r.type)) bad('type');
    if (!isKeyPart(r.id)) bad('id');
    if (!Number.isSafeInteger(r.versionId) || r.versionId < 1) bad('versionId');
    if (!isUuid(r.messageId)) bad('messageId');
    if (!isUuid(r.dataKeyId)) bad('dataKeyId');
    if (r.subjectKey.length === 0 || r.subjectKey.length > 64) bad('subjectKey');
    if (r.cid.length === 0 || r.cid.length > 128) bad('cid');
    if (!isHex64(r.contentHash)) bad('contentHash');
    if (!isHex64(r.keyedHash)) bad('keyedHash');
    if (!Number.isSafeInteger(r.sizeBytes) || r.sizeBytes < 0 || r.sizeBytes > 2_147_483_647) bad('sizeBytes');
    if (!Number.isSafeInteger(r.contentOffset) || r.contentOffset < 0 || r.contentOffset > 2_147_483_647) bad('contentOffset');
  });
}

/** Checks what `build` returned against the leaves it was given. */
export function validateTree(tree: { root: string; proofs: Buffer[] }, leafCount: number): void {
  if (!isHex64(tree.root) || tree.proofs.length !== leafCount || !tree.proofs.every((p) => Buffer.isBuffer(p))) {
    throw new InvalidInputError('STORE_BAD_MERKLE_TREE', 'The Merkle tree does not match the batch', { leafCount });
  }
}

/**
 * The verdict on a `converted` message after protection (undefined: it stays converted).
 * `unanchored` counts every record the message wrote, its resource versions' and any written at
 * intake (a DICOM instance's object), as markBatchAnchored does: the message is `anchored` only
 * once all of them are.
 */
export function protectionVerdict(stats: { versions: number; protected: number; unanchored: number }): 'stored' | 'anchored' | undefined {
  if (stats.protected < stats.versions) return undefined;
  // Nothing left to anchor: every PUT was a no-op, or every record is already in anchored
  // batches (a reprocessed message): no batch will move it later.
  return stats.unanchored === 0 ? 'anchored' : 'stored';
}
