/**
 * Hashing, envelope encryption, key providers and Merkle trees for protecting FHIR records:
 * canonical bytes (RFC 8785) → keyed hash (HMAC-SHA256) → AES-256-GCM envelope under a
 * per-patient data key wrapped by a KEK → record hashes batched under Merkle roots.
 * Node's crypto only.
 */

/** Errors this lib throws; each extends HieError with a stable code. */
export {
  /** `ENVELOPE_INVALID`: an envelope cannot be opened or read (one opaque failure for every cause). */
  EnvelopeError,
  /** `KEY_MATERIAL_INVALID`: a key or key id of the wrong shape was passed in. */
  KeyMaterialError,
  /** `KEYRING_INSECURE` / `KEYRING_INVALID` / `KEYRING_BUSY`: the keyring file cannot be used. */
  KeyringError,
  /** `KEY_UNAVAILABLE`: a data key cannot be unwrapped (unknown KEK, or it does not authenticate). */
  KeyUnavailableError,
  /** `MERKLE_PROOF_INVALID`: bytes that are not an encoded Merkle proof. */
  MerkleProofError,
  /** `MERKLE_TREE_INVALID`: no leaves, or too many for one tree. */
  MerkleTreeError,
  type KeyringErrorCode,
} from './crypto.errors.js';

/**
 * Canonical form and hashes. `canonicalBytes(resource)`: UTF-8 of RFC 8785 JSON, the bytes that
 * are hashed and encrypted. `sha256(bytes)`: plain digest. `RecordHasher(hashKey)`: keyed
 * hashes (`keyedHash`) and PHI-free subject names (`pseudonym(kind, value)`).
 */
export { canonicalBytes, sha256, RecordHasher } from './record-hash.js';

/**
 * Envelope encryption with per-record AAD. `generateDataKey()`: 32 random bytes.
 * `sealEnvelope({ keyId, key, plaintext, aad })`: `0x01 | keyId(16) | nonce(12) | tag(16) | ciphertext`.
 * `envelopeKeyId(envelope)`: the data key id to fetch. `openEnvelope(envelope, key, aad)`:
 * plaintext, or EnvelopeError.
 */
export { generateDataKey, sealEnvelope, envelopeKeyId, openEnvelope } from './envelope.cipher.js';

/**
 * Streamed envelope (format 2) for large objects (DICOM instances): segmented AES-256-GCM,
 * `0x02 | keyId(16) | baseNonce(12) | segmentSize(u32)` then per segment ciphertext ‖ tag;
 * nonce_i = baseNonce XOR i; AAD_i = header ‖ aad ‖ u32(i) ‖ lastFlag, so truncation,
 * reordering, swapped and appended segments fail. Memory: about one segment (default 1 MiB).
 * `sealEnvelopeStream(input, plaintext)`, `openEnvelopeStream(key, aad, envelope)` (yields only
 * verified plaintext; EnvelopeError otherwise), `envelopeStreamKeyId(firstBytes)`.
 */
export {
  sealEnvelopeStream,
  openEnvelopeStream,
  envelopeStreamKeyId,
  ENVELOPE_STREAM_HEADER_BYTES,
} from './envelope-stream.cipher.js';

/** The key-encryption-key contract every key store driver implements, and a wrapped data key. */
export type { KeyProvider, WrappedKey } from './key-provider.js';

/**
 * The embedded key provider: a 0600 JSON keyring file (KEKs, hash key, ledger Ed25519 key),
 * created on first start, safe to share between processes. `LocalKeyring.open(file)`.
 */
export { LocalKeyring } from './local-keyring.provider.js';

/** A KeyProvider kept in memory, for unit tests of other libs. Nothing persists. */
export { InMemoryKeyProvider } from './in-memory.key-provider.js';

/**
 * RFC 9162 Merkle trees with domain separation. `merkleRoot(leaves)`, `buildMerkleTree(leaves)`
 * (root and all inclusion proofs), `verifyMerkleProof(leaf, proof, root)`,
 * `encodeMerkleProof` / `decodeMerkleProof` (compact binary for a DB column),
 * `merkleLeafHash(leaf)` = SHA-256(0x00 || leaf).
 */
export {
  merkleRoot,
  buildMerkleTree,
  verifyMerkleProof,
  encodeMerkleProof,
  decodeMerkleProof,
  merkleLeafHash,
  type MerkleProof,
} from './merkle-tree.js';
