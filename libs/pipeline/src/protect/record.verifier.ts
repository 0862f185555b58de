import { HieError, NotFoundError } from '@hie/common';
import { canonicalBytes, decodeMerkleProof, envelopeKeyId, openEnvelope, sha256, verifyMerkleProof, type RecordHasher } from '@hie/crypto';
import type { Ledger } from '@hie/ledger';
import type { ContentStore } from '@hie/storage';
import type { DataKeyService } from './data-key.service.js';
import type { ProtectedRecordView } from './protect.ports.js';
import { recordAad } from './protection.worker.js';

/** The checks of a verification, in the order evidence is chained. */
export type VerifyCheckName = 'resource-hash' | 'ciphertext' | 'decrypted-hash' | 'merkle-proof' | 'anchor';

/** One check: passed or not, and why, in words fit for an operator (no PHI). */
export interface VerifyCheck {
  name: VerifyCheckName;
  ok: boolean;
  detail: string;
}

/** The answer of {@link RecordVerifier.verify}. */
export interface VerifyReport {
  type: string;
  id: string;
  versionId: number;
  /** True only when every check passed. */
  ok: boolean;
  checks: VerifyCheck[];
  cid?: string;
  keyedHash?: string;
  batchId?: string;
  merkleRoot?: string;
  ledger?: string;
  txHash?: string;
  blockNumber?: number;
}

/** What the verifier reads. */
export interface VerifierSources {
  records: { findRecord(type: string, id: string, versionId?: number): Promise<ProtectedRecordView | undefined> };
  resources: { vread(type: string, id: string, versionId: string): Promise<Record<string, unknown> | undefined> };
  contents: Pick<ContentStore, 'getBytes'>;
  keys: Pick<DataKeyService, 'byKeyId'>;
  ledger: Pick<Ledger, 'findAnchor'>;
  hasher: RecordHasher;
}

/**
 * Proves a stored resource version is exactly what was protected and anchored, chaining each
 * piece of evidence to the next: the FHIR store's row hashes to the recorded hash; the
 * ciphertext fetched by CID decrypts to content with that same hash; the keyed hash's Merkle
 * proof leads to the batch root; and the ledger holds that root. Each check runs even when an
 * earlier one failed, so a report names every broken link, not just the first.
 */
export class RecordVerifier {
  constructor(private readonly sources: VerifierSources) {}

  async verify(type: string, id: string, versionId?: number): Promise<VerifyReport> {
    const record = await this.sources.records.findRecord(type, id, versionId);
    if (!record) throw new NotFoundError(`Protection record of ${type}/${id}${versionId ? `/_history/${versionId}` : ''}`);
    const checks = [
      await this.resourceHash(record),
      ...(await this.ciphertext(record)),
      this.merkleProof(record),
      await this.anchor(record),
    ];
    return {
      type,
      id,
      versionId: record.versionId,
      ok: checks.every((c) => c.ok),
      checks,
      cid: record.cid,
      keyedHash: record.keyedHash,
      ...(record.batch
        ? {
            batchId: record.batch.id,
            merkleRoot: record.batch.root,
            ledger: record.batch.ledger,
            ...(record.batch.txHash ? { txHash: record.batch.txHash } : {}),
            ...(record.batch.blockNumber !== undefined ? { blockNumber: record.batch.blockNumber } : {}),
          }
        : {}),
    };
  }

  private async resourceHash(record: ProtectedRecordView): Promise<VerifyCheck> {
    const name = 'resource-hash';
    const resource = await this.sources.resources.vread(record.type, record.id, String(record.versionId));
    if (!resource) return { name, ok: false, detail: 'the resource version is not in the FHIR store (erased or deleted)' };
    const canonical = canonicalBytes(resource);
    if (sha256(canonical).toString('hex') !== record.contentHash) {
      return { name, ok: false, detail: 'the FHIR store row does not hash to the recorded SHA-256: the row was altered' };
    }
    if (this.sources.hasher.keyedHash(canonical).toString('hex') !== record.keyedHash) {
      return { name, ok: false, detail: 'the recorded keyed hash does not match the resource: the record was altered' };
    }
    return { name, ok: true, detail: `SHA-256 ${record.contentHash}` };
  }

  private async ciphertext(record: ProtectedRecordView): Promise<VerifyCheck[]> {
    let envelope: Buffer;
    try {
      envelope = await this.sources.contents.getBytes(record.cid, { signal: AbortSignal.timeout(10_000) });
    } catch (error) {
      const erased = await this.keyDestroyed(record.dataKeyId);
      return [
        { name: 'ciphertext', ok: false, detail: `the ciphertext could not be fetched by CID ${record.cid} (${codeOf(error)})` },
        { name: 'decrypted-hash', ok: false, detail: erased ? DESTROYED : 'not checked: no ciphertext' },
      ];
    }
    const objectSize = envelope.length;
    if (record.contentOffset + record.sizeBytes > objectSize) {
      return [
        { name: 'ciphertext', ok: false, detail: `the object ${record.cid} is shorter than the record's place in it` },
        { name: 'decrypted-hash', ok: false, detail: 'not checked: no ciphertext' },
      ];
    }
    envelope = envelope.subarray(record.contentOffset, record.contentOffset + record.sizeBytes);
    const fetched: VerifyCheck = {
      name: 'ciphertext',
      ok: true,
      detail: `fetched ${objectSize} bytes by CID ${record.cid}; the record's envelope is ${record.sizeBytes} bytes at offset ${record.contentOffset}`,
    };
    let plaintext: Buffer;
    try {
      const key = await this.sources.keys.byKeyId(envelopeKeyId(envelope), { fresh: true });
      plaintext = openEnvelope(envelope, key, recordAad(record));
    } catch (error) {
      const code = codeOf(error);
      const detail =
        code === 'DATA_KEY_DESTROYED'
          ? DESTROYED
          : `the ciphertext does not decrypt (${code}): it was altered or belongs to another record`;
      return [fetched, { name: 'decrypted-hash', ok: false, detail }];
    }
    if (sha256(plaintext).toString('hex') !== record.contentHash) {
      return [fetched, { name: 'decrypted-hash', ok: false, detail: 'the decrypted content does not hash to the recorded SHA-256' }];
    }
    return [fetched, { name: 'decrypted-hash', ok: true, detail: 'decrypted content hashes to the recorded SHA-256' }];
  }

  /** Whether the record's data key is gone (an erasure also unpins, so its ciphertext may be gone too). */
  private async keyDestroyed(dataKeyId: string): Promise<boolean> {
    try {
      await this.sources.keys.byKeyId(dataKeyId, { fresh: true });
      return false;
    } catch (error) {
      return codeOf(error) === 'DATA_KEY_DESTROYED';
    }
  }

  private merkleProof(record: ProtectedRecordView): VerifyCheck {
    const name = 'merkle-proof';
    if (!record.batch || !record.proof) return { name, ok: false, detail: 'not yet in an anchoring batch' };
    try {
      const proof = decodeMerkleProof(record.proof);
      // A proof does not fix the tree's size by itself: the size anchored with the root does.
      if (proof.treeSize !== record.batch.leafCount) {
        return { name, ok: false, detail: `the proof is for a tree of ${proof.treeSize} leaves, the batch has ${record.batch.leafCount}` };
      }
      const ok = verifyMerkleProof(Buffer.from(record.keyedHash, 'hex'), proof, Buffer.from(record.batch.root, 'hex'));
      return ok
        ? { name, ok, detail: `leaf ${proof.leafIndex} of ${proof.treeSize} under root ${record.batch.root}` }
        : { name, ok, detail: `the inclusion proof does not lead to the batch root ${record.batch.root}` };
    } catch (error) {
      return { name, ok: false, detail: `the stored inclusion proof is unreadable (${codeOf(error)})` };
    }
  }

  private async anchor(record: ProtectedRecordView): Promise<VerifyCheck> {
    const name = 'anchor';
    if (!record.batch) return { name, ok: false, detail: 'not yet in an anchoring batch' };
    let anchored;
    try {
      anchored = await this.sources.ledger.findAnchor(record.batch.id);
    } catch (error) {
      const code = codeOf(error);
      return {
        name,
        ok: false,
        detail: code === 'LEDGER_INTEGRITY' ? 'the ledger entry of the batch was altered (hash or signature does not match)' : `the ledger could not be read (${code})`,
      };
    }
    if (!anchored) {
      return { name, ok: false, detail: record.batch.status === 'pending' ? 'the batch is waiting to be anchored' : 'the ledger has no entry for the batch' };
    }
    if (anchored.root !== record.batch.root) {
      return { name, ok: false, detail: `the ledger holds root ${anchored.root}, not the batch's ${record.batch.root}` };
    }
    if (anchored.leafCount !== record.batch.leafCount) {
      return { name, ok: false, detail: `the ledger holds ${anchored.leafCount} leaves under the root, the batch ${record.batch.leafCount}` };
    }
    return { name, ok: true, detail: `root on ${record.batch.ledger} ledger: transaction ${anchored.txHash}, block ${anchored.blockNumber}` };
  }
}

const DESTROYED = 'the data key was destroyed (patient erased): the ciphertext can no longer be read';

function codeOf(error: unknown): string {
  return error instanceof HieError ? error.code : error instanceof Error ? error.name : 'UNKNOWN';
}
