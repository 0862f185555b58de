/**
 * Test helpers for the protect & anchor repositories (used by the specs and the bench; not
 * exported by the lib): a plain SHA-256 Merkle tree, and records made from versions.
 */
import { createHash } from 'node:crypto';
import type { NewProtectedRecord, VersionToProtect } from './protection.model.js';

export function sha256Hex(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

function hashPair(a: Buffer, b: Buffer): Buffer {
  return createHash('sha256').update(a).update(b).digest();
}

/** A SHA-256 Merkle tree (an odd node is paired with itself); proof = sibling hashes, leaf to root. */
export function buildTestTree(leaves: readonly { keyedHash: string }[]): { root: string; proofs: Buffer[] } {
  let level: Buffer[] = leaves.map((l) => Buffer.from(l.keyedHash, 'hex'));
  const siblings: Buffer[][] = leaves.map(() => []);
  let positions = leaves.map((_, i) => i);
  while (level.length > 1) {
    const next: Buffer[] = [];
    for (let i = 0; i < level.length; i += 2) next.push(hashPair(level[i]!, level[i + 1] ?? level[i]!));
    positions = positions.map((p, leaf) => {
      siblings[leaf]!.push(level[p ^ 1] ?? level[p]!);
      return p >> 1;
    });
    level = next;
  }
  return { root: level[0]!.toString('hex'), proofs: siblings.map((s) => Buffer.concat(s)) };
}

/** The root a proof leads to from a leaf. */
export function rootFromProof(keyedHash: string, leafIndex: number, proof: Buffer): string {
  let node: Buffer = Buffer.from(keyedHash, 'hex');
  let index = leafIndex;
  for (let offset = 0; offset < proof.length; offset += 32) {
    const sibling = proof.subarray(offset, offset + 32);
    node = index % 2 === 0 ? hashPair(node, sibling) : hashPair(sibling, node);
    index >>= 1;
  }
  return node.toString('hex');
}

/** A record for a version, as the pipeline would make it (fake CID, real hashes). */
export function recordFor(v: Pick<VersionToProtect, 'messageId' | 'type' | 'id' | 'versionId'> & { content?: string }, subjectKey: string, dataKeyId: string, tag = ''): NewProtectedRecord {
  const content = v.content ?? `${v.type}/${v.id}/${v.versionId}`;
  return {
    type: v.type,
    id: v.id,
    versionId: v.versionId,
    messageId: v.messageId,
    subjectKey,
    dataKeyId,
    cid: `bafy${sha256Hex(`cid${tag}${v.type}${v.id}${v.versionId}`).slice(0, 52)}`,
    contentHash: sha256Hex(content),
    keyedHash: sha256Hex(`keyed:${v.type}/${v.id}/${v.versionId}`),
    sizeBytes: content.length,
    contentOffset: 0,
  };
}
