import { createHash, randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MerkleProofError, MerkleTreeError } from './crypto.errors.js';
import {
  buildMerkleTree,
  decodeMerkleProof,
  encodeMerkleProof,
  merkleLeafHash,
  merklePathLength,
  merkleRoot,
  verifyMerkleProof,
  type MerkleProof,
} from './merkle-tree.js';

const h = (...parts: Uint8Array[]): Buffer => {
  const hash = createHash('sha256');
  for (const p of parts) hash.update(p);
  return hash.digest();
};
const leafHash = (d: Uint8Array): Buffer => h(Buffer.from([0]), d);
const nodeHash = (l: Uint8Array, r: Uint8Array): Buffer => h(Buffer.from([1]), l, r);
const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

const leavesOf = (n: number): Buffer[] => Array.from({ length: n }, () => randomBytes(32));

function flipBit(b: Buffer, bit: number): Buffer {
  const copy = Buffer.from(b);
  copy[bit >> 3]! ^= 1 << (bit & 7);
  return copy;
}

// Certificate Transparency's reference test vectors (RFC 6962 suites of google/certificate-transparency
// and Trillian): eight leaves, the tree head for each prefix, and two published audit paths.
const CT_LEAVES = ['', '00', '10', '2021', '3031', '40414243', '5051525354555657', '606162636465666768696a6b6c6d6e6f'].map((s) =>
  Buffer.from(s, 'hex'),
);
const CT_ROOTS = [
  '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
  'fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125',
  'aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77',
  'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
  '4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4',
  '76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef',
  'ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c',
  '5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328',
];

describe('Merkle tree (RFC 9162 §2.1)', () => {
  it('refuses an empty leaf list', () => {
    expect(() => merkleRoot([])).toThrow(MerkleTreeError);
    expect(() => buildMerkleTree([])).toThrow(MerkleTreeError);
  });

  it('root of one leaf is SHA-256(0x00 || leaf), with an empty proof', () => {
    const leaf = Buffer.from('record hash');
    const expected = leafHash(leaf);
    expect(merkleRoot([leaf]).equals(expected)).toBe(true);
    expect(merkleLeafHash(leaf).equals(expected)).toBe(true);
    const { root, proofs } = buildMerkleTree([leaf]);
    expect(root.equals(expected)).toBe(true);
    expect(proofs).toEqual([{ leafIndex: 0, treeSize: 1, path: [] }]);
    expect(verifyMerkleProof(leaf, proofs[0]!, root)).toBe(true);
  });

  it('builds a 3-leaf tree as worked out by hand (split 2 + 1, no duplicated odd node)', () => {
    const [a, b, c] = [Buffer.from('a'), Buffer.from('b'), Buffer.from('c')];
    const ab = nodeHash(leafHash(a), leafHash(b));
    const expected = nodeHash(ab, leafHash(c));
    const { root, proofs } = buildMerkleTree([a, b, c]);
    expect(hex(root)).toBe(hex(expected));
    expect(hex(merkleRoot([a, b, c]))).toBe(hex(expected));
    expect(proofs.map((p) => p.path.map(hex))).toEqual([
      [hex(leafHash(b)), hex(leafHash(c))],
      [hex(leafHash(a)), hex(leafHash(c))],
      [hex(ab)],
    ]);
    // Bitcoin-style duplication of the odd node would give this root instead.
    expect(hex(root)).not.toBe(hex(nodeHash(ab, nodeHash(leafHash(c), leafHash(c)))));
  });

  it.each(CT_ROOTS.map((root, i) => [i + 1, root] as const))('matches the CT reference root for %i leaves', (n, expected) => {
    const leaves = CT_LEAVES.slice(0, n);
    expect(hex(merkleRoot(leaves))).toBe(expected);
    const { root, proofs } = buildMerkleTree(leaves);
    expect(hex(root)).toBe(expected);
    proofs.forEach((p, i) => expect(verifyMerkleProof(leaves[i]!, p, root)).toBe(true));
  });

  it('gives the CT reference audit paths for leaves 0 and 5 of 8', () => {
    const { proofs } = buildMerkleTree(CT_LEAVES);
    expect(proofs[0]!.path.map(hex)).toEqual([
      '96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7',
      '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
      '6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4',
    ]);
    expect(proofs[5]!.path.map(hex)).toEqual([
      'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b',
      'ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0',
      'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
    ]);
  });

  it('every proof verifies, and fails for another leaf, index, root, or a flipped path bit (1..300 leaves)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 300 }), fc.nat(), (n, seed) => {
        const leaves = leavesOf(n);
        const { root, proofs } = buildMerkleTree(leaves);
        expect(root.equals(merkleRoot(leaves))).toBe(true);
        const otherRoot = merkleRoot(leavesOf(n));
        for (let i = 0; i < n; i++) {
          const proof = proofs[i]!;
          expect(proof.leafIndex).toBe(i);
          expect(proof.treeSize).toBe(n);
          expect(proof.path.length).toBe(merklePathLength(i, n));
          expect(verifyMerkleProof(leaves[i]!, proof, root)).toBe(true);
          if (n > 1) expect(verifyMerkleProof(leaves[(i + 1) % n]!, proof, root)).toBe(false);
          expect(verifyMerkleProof(leaves[i]!, proof, otherRoot)).toBe(false);
          expect(verifyMerkleProof(flipBit(leaves[i]!, seed % 256), proof, root)).toBe(false);
          if (proof.path.length > 0) {
            const j = (seed + i) % proof.path.length;
            const path = proof.path.map((p, k) => (k === j ? flipBit(p, (seed >> 3) % 256) : p));
            expect(verifyMerkleProof(leaves[i]!, { ...proof, path }, root)).toBe(false);
          }
        }
        // Any other index (including out of range) fails for one sampled leaf.
        const i = seed % n;
        for (let other = -1; other <= n; other++) {
          if (other !== i) expect(verifyMerkleProof(leaves[i]!, { ...proofs[i]!, leafIndex: other }, root)).toBe(false);
        }
        // A dropped or an extra path element fails. (A different treeSize can still verify when
        // it gives the same path shape, e.g. leaf 0 of 17 vs 18: RFC 9162 proofs do not bind the
        // size, the root does; the size must come from where the root is anchored.)
        if (n > 1) expect(verifyMerkleProof(leaves[i]!, { ...proofs[i]!, path: proofs[i]!.path.slice(1) }, root)).toBe(false);
        expect(verifyMerkleProof(leaves[i]!, { ...proofs[i]!, path: [...proofs[i]!.path, root] }, root)).toBe(false);
      }),
      { numRuns: 40 },
    );
  });

  it('flipping any bit of any path element breaks a proof (exhaustive, 13 leaves)', () => {
    const leaves = leavesOf(13);
    const { root, proofs } = buildMerkleTree(leaves);
    for (const proof of proofs) {
      for (let k = 0; k < proof.path.length; k++) {
        for (let bit = 0; bit < 256; bit++) {
          const path = proof.path.map((p, x) => (x === k ? flipBit(p, bit) : p));
          expect(verifyMerkleProof(leaves[proof.leafIndex]!, { ...proof, path }, root)).toBe(false);
        }
      }
    }
  });

  it('a leaf hash cannot pass as a two-leaf inner node (domain separation)', () => {
    const [a, b] = leavesOf(2);
    const root = merkleRoot([a!, b!]);
    const forged = Buffer.concat([leafHash(a!), leafHash(b!)]);
    expect(verifyMerkleProof(forged, { leafIndex: 0, treeSize: 1, path: [] }, root)).toBe(false);
  });

  it('verify never throws on malformed proofs', () => {
    const leaves = leavesOf(5);
    const { root, proofs } = buildMerkleTree(leaves);
    const p = proofs[2]!;
    expect(verifyMerkleProof(leaves[2]!, { ...p, treeSize: 0 }, root)).toBe(false);
    expect(verifyMerkleProof(leaves[2]!, { ...p, leafIndex: 1.5 }, root)).toBe(false);
    expect(verifyMerkleProof(leaves[2]!, { ...p, path: [Buffer.alloc(31), ...p.path.slice(1)] }, root)).toBe(false);
    expect(verifyMerkleProof(leaves[2]!, p, root.subarray(0, 31))).toBe(false);
  });

  describe('proof encoding', () => {
    it('round-trips every proof of random trees, in 10 + 32 × path bytes', () => {
      fc.assert(
        fc.property(fc.integer({ min: 1, max: 300 }), (n) => {
          const leaves = leavesOf(n);
          const { root, proofs } = buildMerkleTree(leaves);
          for (const proof of proofs) {
            const bytes = encodeMerkleProof(proof);
            expect(bytes.length).toBe(10 + 32 * proof.path.length);
            const decoded = decodeMerkleProof(bytes);
            expect(decoded.leafIndex).toBe(proof.leafIndex);
            expect(decoded.treeSize).toBe(proof.treeSize);
            expect(decoded.path.map(hex)).toEqual(proof.path.map(hex));
            expect(verifyMerkleProof(leaves[proof.leafIndex]!, decoded, root)).toBe(true);
          }
        }),
        { numRuns: 30 },
      );
    });

    it('decodes from a view into a larger buffer, without aliasing it', () => {
      const { proofs } = buildMerkleTree(leavesOf(6));
      const bytes = encodeMerkleProof(proofs[4]!);
      const pooled = Buffer.concat([Buffer.alloc(3), bytes, Buffer.alloc(5)]);
      const decoded = decodeMerkleProof(pooled.subarray(3, 3 + bytes.length));
      expect(decoded.path.map(hex)).toEqual(proofs[4]!.path.map(hex));
      pooled.fill(0);
      expect(decoded.path.map(hex)).toEqual(proofs[4]!.path.map(hex));
    });

    it('refuses garbage with MerkleProofError', () => {
      const { proofs } = buildMerkleTree(leavesOf(7));
      const good = encodeMerkleProof(proofs[3]!);
      const bad: Uint8Array[] = [
        new Uint8Array(0),
        good.subarray(0, 9),
        good.subarray(0, good.length - 1),
        Buffer.concat([good, Buffer.alloc(1)]),
        Buffer.concat([Buffer.from([2]), good.subarray(1)]),
      ];
      const withIndex = Buffer.from(good);
      withIndex.writeUInt32BE(7, 1); // index == size
      const withSize = Buffer.from(good);
      withSize.writeUInt32BE(0, 5);
      const withCount = Buffer.concat([good, Buffer.alloc(32)]);
      withCount[9] = good[9]! + 1; // consistent length, wrong path length for (3, 7)
      bad.push(withIndex, withSize, withCount);
      for (const b of bad) expect(() => decodeMerkleProof(b)).toThrow(MerkleProofError);
      fc.assert(
        fc.property(fc.uint8Array({ maxLength: 600 }), (b) => {
          try {
            const p = decodeMerkleProof(b);
            // Whatever decodes must be self-consistent.
            expect(p.path.length).toBe(merklePathLength(p.leafIndex, p.treeSize));
          } catch (e) {
            expect(e).toBeInstanceOf(MerkleProofError);
          }
        }),
      );
    });

    it('refuses to encode an inconsistent proof', () => {
      const { proofs } = buildMerkleTree(leavesOf(4));
      const p: MerkleProof = proofs[1]!;
      expect(() => encodeMerkleProof({ ...p, leafIndex: 4 })).toThrow(MerkleProofError);
      expect(() => encodeMerkleProof({ ...p, path: p.path.slice(1) })).toThrow(MerkleProofError);
      expect(() => encodeMerkleProof({ ...p, path: [Buffer.alloc(31), p.path[1]!] })).toThrow(MerkleProofError);
    });
  });

  it('path length matches RFC 9162 for sizes up to 2^32 - 1', () => {
    expect(merklePathLength(0, 1)).toBe(0);
    expect(merklePathLength(2, 3)).toBe(1);
    expect(merklePathLength(0, 3)).toBe(2);
    expect(merklePathLength(0, 2 ** 32 - 1)).toBe(32);
    expect(merklePathLength(2 ** 32 - 2, 2 ** 32 - 1)).toBe(31);
  });

  it('builds 50,000 leaves with all proofs, agreeing with merkleRoot', () => {
    // How fast is measured by `npm run bench`, not asserted here.
    const leaves = leavesOf(50_000);
    const built = buildMerkleTree(leaves);
    const root = merkleRoot(leaves);
    expect(built.root.equals(root)).toBe(true);
    expect(built.proofs).toHaveLength(50_000);
    for (const i of [0, 1, 32_767, 32_768, 49_999]) expect(verifyMerkleProof(leaves[i]!, built.proofs[i]!, root)).toBe(true);
  });
});
