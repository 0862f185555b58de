import { NotFoundError } from '@hie/common';
import { canonicalBytes, envelopeKeyId, openEnvelope, sha256, type RecordHasher } from '@hie/crypto';
import type { Ledger } from '@hie/ledger';
import type { ContentStore } from '@hie/storage';
import type { DataKeyService } from './data-key.service.js';
import type { ProtectedRecordView } from './protect.ports.js';
import { recordAad } from './protection.worker.js';
import {
  anchorCheck, DATA_KEY_DESTROYED_DETAIL as DESTROYED, dataKeyDestroyed, errorCode as codeOf, merkleProofCheck, verifyReportOf,
  type VerifyCheck, type VerifyReport,
} from './record-evidence.checks.js';

export type { VerifyCheck, VerifyCheckName, VerifyReport } from './record-evidence.checks.js';

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
      merkleProofCheck(record),
      await anchorCheck(this.sources.ledger, record),
    ];
    return verifyReportOf(type, id, record, checks);
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
      const erased = await dataKeyDestroyed(this.sources.keys, record.dataKeyId);
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
}
