import { hash } from 'node:crypto';
import { MerkleProofError, MerkleTreeError } from './crypto.errors.js';

/*
 * Merkle trees as RFC 9162 §2.1 (Certificate Transparency v2) defines them:
 *   leaf hash  = SHA-256(0x00 || leaf)
 *   node hash  = SHA-256(0x01 || left || right)
 *   MTH(D[n])  splits at k, the largest power of two smaller than n.
 * The 0x00/0x01 prefixes keep a leaf from passing as an inner node (second-preimage
 * attacks), and the unbalanced split never duplicates an odd node, so two different leaf
 * lists cannot share a root (the CVE-2012-2459 ambiguity of Bitcoin's tree).
 */

/** An inclusion proof: the audit path of RFC 9162 §2.1.3, siblings ordered from the leaf up. */
export interface MerkleProof {
  leafIndex: number;
  treeSize: number;
  path: Buffer[];
}

const HASH_BYTES = 32;
const LEAF_PREFIX = 0x00;
const NODE_PREFIX = 0x01;
const PROOF_FORMAT_V1 = 0x01;
const PROOF_HEADER_BYTES = 1 + 4 + 4 + 1;
/** Tree sizes are stored as uint32: far above any batch the engine anchors. */
const MAX_TREE_SIZE = 0xffff_ffff;

/*
 * Hashing dominates tree building (2n - 1 SHA-256 of ~33-65 bytes). One-shot crypto.hash()
 * over a reused scratch buffer is about twice as fast as createHash().update().update():
 * one native call and no Hash object per node. Safe to share: hashing is synchronous.
 */
let scratch = Buffer.allocUnsafe(1 + 2 * HASH_BYTES);

/** SHA-256(0x00 || leaf). */
export function merkleLeafHash(leaf: Uint8Array): Buffer {
  if (scratch.length < 1 + leaf.byteLength) scratch = Buffer.allocUnsafe(1 + leaf.byteLength);
  scratch[0] = LEAF_PREFIX;
  scratch.set(leaf, 1);
  return hash('sha256', scratch.subarray(0, 1 + leaf.byteLength), 'buffer');
}

function nodeHash(left: Uint8Array, right: Uint8Array): Buffer {
  scratch[0] = NODE_PREFIX;
  scratch.set(left, 1);
  scratch.set(right, 1 + HASH_BYTES);
  return hash('sha256', scratch.subarray(0, 1 + 2 * HASH_BYTES), 'buffer');
}

/** Largest power of two strictly smaller than n (n >= 2). */
function splitPoint(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

/** The Merkle tree head of `leaves`; throws on an empty list (an empty batch anchors nothing). */
export function merkleRoot(leaves: readonly Uint8Array[]): Buffer {
  checkSize(leaves.length);
  const subtree = (lo: number, hi: number): Buffer => {
    if (hi - lo === 1) return merkleLeafHash(leaves[lo]!);
    const mid = lo + splitPoint(hi - lo);
    return nodeHash(subtree(lo, mid), subtree(mid, hi));
  };
  return subtree(0, leaves.length);
}

/**
 * The root and every leaf's inclusion proof in one pass: each subtree's hash is pushed onto
 * the paths of the leaves of its sibling subtree, deepest first, so the work is
 * O(n log n) hashes-and-pushes with no hash computed twice. Path buffers are shared between
 * proofs (a sibling is the same for many leaves): treat them as read-only.
 */
export function buildMerkleTree(leaves: readonly Uint8Array[]): { root: Buffer; proofs: MerkleProof[] } {
  const n = leaves.length;
  checkSize(n);
  const paths: Buffer[][] = Array.from({ length: n }, () => []);
  const subtree = (lo: number, hi: number): Buffer => {
    if (hi - lo === 1) return merkleLeafHash(leaves[lo]!);
    const mid = lo + splitPoint(hi - lo);
    const left = subtree(lo, mid);
    const right = subtree(mid, hi);
    for (let i = lo; i < mid; i++) paths[i]!.push(right);
    for (let i = mid; i < hi; i++) paths[i]!.push(left);
    return nodeHash(left, right);
  };
  const root = subtree(0, n);
  return { root, proofs: paths.map((path, leafIndex) => ({ leafIndex, treeSize: n, path })) };
}

/**
 * True when `leaf` at `proof.leafIndex` of a tree of `proof.treeSize` leaves hashes up to
 * `root` (RFC 9162 §2.1.3.2). Never throws: a malformed proof is simply not a proof.
 */
export function verifyMerkleProof(leaf: Uint8Array, proof: MerkleProof, root: Uint8Array): boolean {
  const { leafIndex, treeSize, path } = proof;
  if (!Number.isSafeInteger(leafIndex) || !Number.isSafeInteger(treeSize) || leafIndex < 0 || leafIndex >= treeSize) return false;
  if (!Array.isArray(path) || root.byteLength !== HASH_BYTES) return false;
  let fn = leafIndex;
  let sn = treeSize - 1;
  let r = merkleLeafHash(leaf);
  for (const p of path) {
    if (sn === 0 || !(p instanceof Uint8Array) || p.byteLength !== HASH_BYTES) return false;
    if (fn % 2 === 1 || fn === sn) {
      r = nodeHash(p, r);
      // Skip the levels where this subtree is the last, unpaired one (right edge of the tree).
      while (fn % 2 === 0 && fn !== 0) {
        fn /= 2;
        sn = Math.floor(sn / 2);
      }
    } else {
      r = nodeHash(r, p);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  return sn === 0 && r.equals(root);
}

/** Number of path elements for a leaf (RFC 9162 §2.1.3.1), for uint32 sizes: a proof of any other length is wrong. */
export function merklePathLength(leafIndex: number, treeSize: number): number {
  let inner = 0;
  // `>>> 0`: XOR works on int32, and sizes up to 2^32 - 1 would come out negative.
  for (let x = (leafIndex ^ (treeSize - 1)) >>> 0; x !== 0; x >>>= 1) inner++;
  let border = 0;
  for (let x = Math.floor(leafIndex / 2 ** inner); x !== 0; x = Math.floor(x / 2)) border += x % 2;
  return inner + border;
}

/*
 * Proof encoding (format 1), for a bytea column:
 *   0x01 | leafIndex (uint32 BE) | treeSize (uint32 BE) | count (uint8) | count × 32-byte hash
 * A 50,000-leaf batch gives at most 16 hashes: 522 bytes.
 */

/** Compact binary form of a proof. */
export function encodeMerkleProof(p: MerkleProof): Buffer {
  if (!Number.isSafeInteger(p.treeSize) || p.treeSize < 1 || p.treeSize > MAX_TREE_SIZE) throw new MerkleProofError('tree size out of range');
  if (!Number.isSafeInteger(p.leafIndex) || p.leafIndex < 0 || p.leafIndex >= p.treeSize) throw new MerkleProofError('leaf index out of range');
  if (p.path.length !== merklePathLength(p.leafIndex, p.treeSize)) throw new MerkleProofError('path length does not fit the tree');
  const out = Buffer.allocUnsafe(PROOF_HEADER_BYTES + HASH_BYTES * p.path.length);
  out[0] = PROOF_FORMAT_V1;
  out.writeUInt32BE(p.leafIndex, 1);
  out.writeUInt32BE(p.treeSize, 5);
  out[9] = p.path.length;
  p.path.forEach((h, i) => {
    if (h.length !== HASH_BYTES) throw new MerkleProofError('path element is not 32 bytes');
    h.copy(out, PROOF_HEADER_BYTES + i * HASH_BYTES);
  });
  return out;
}

/** Inverse of {@link encodeMerkleProof}; MerkleProofError on anything it did not produce. */
export function decodeMerkleProof(b: Uint8Array): MerkleProof {
  const bytes = Buffer.from(b.buffer, b.byteOffset, b.byteLength);
  if (bytes.length < PROOF_HEADER_BYTES) throw new MerkleProofError('too short');
  if (bytes[0] !== PROOF_FORMAT_V1) throw new MerkleProofError('unknown format');
  const leafIndex = bytes.readUInt32BE(1);
  const treeSize = bytes.readUInt32BE(5);
  const count = bytes[9]!;
  if (treeSize < 1 || leafIndex >= treeSize) throw new MerkleProofError('leaf index out of range');
  if (bytes.length !== PROOF_HEADER_BYTES + HASH_BYTES * count) throw new MerkleProofError('length does not match its path count');
  if (count !== merklePathLength(leafIndex, treeSize)) throw new MerkleProofError('path length does not fit the tree');
  const path: Buffer[] = [];
  for (let i = 0; i < count; i++) {
    const start = PROOF_HEADER_BYTES + i * HASH_BYTES;
    // Copies: the proof must not alias (or keep alive) the caller's row buffer.
    path.push(Buffer.from(bytes.subarray(start, start + HASH_BYTES)));
  }
  return { leafIndex, treeSize, path };
}

function checkSize(n: number): void {
  if (n === 0) throw new MerkleTreeError('a Merkle tree needs at least one leaf');
  if (n > MAX_TREE_SIZE) throw new MerkleTreeError('too many leaves for one tree');
}
