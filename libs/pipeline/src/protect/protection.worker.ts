import { canonicalBytes, sealEnvelope, sha256, type RecordHasher } from '@hie/crypto';
import type { ContentStore } from '@hie/storage';
import { silentLogger, type PipelineLogger } from '../pipeline.ports.js';
import type { DataKeyService } from './data-key.service.js';
import type { ProtectedRecordInput, ProtectionStorePort, VersionToProtect } from './protect.ports.js';
import { patientOf, SHARED_SUBJECT } from './record-subject.js';

/** Counts of one handled protect job. */
export interface ProtectJobResult {
  readonly records: number;
  /** Messages that moved to `stored`. */
  readonly stored: number;
  /** Messages with nothing of their own to anchor (every PUT a no-op), moved straight to `anchored`. */
  readonly anchored: number;
}

/** A version after hashing, before sealing. */
interface Prepared {
  version: VersionToProtect;
  canonical: Buffer;
  subjectKey: string;
  contentHash: string;
  keyedHash: string;
}

/**
 * The protect stage: every resource version a converted message wrote is canonicalised
 * (RFC 8785), hashed (SHA-256, and HMAC for the hash that leaves the engine) and sealed in its
 * own envelope under its patient's data key. A job's envelopes go into the content store as ONE
 * object, each record keeping its offset and length in it: a put costs far more than sealing
 * (a file or a block per object), and an object of envelopes under different patients' keys
 * reveals no more than separate ones. Erasure destroys the patient's key, which turns that
 * patient's envelopes into noise wherever the object was copied. Records and message statuses
 * move in one transaction, so a crash between put and commit only leaves an unreferenced object
 * behind; a storage fault rejects the job and the queue retries it with backoff, the messages
 * waiting in `converted`.
 */
export class ProtectionWorker {
  constructor(
    private readonly store: ProtectionStorePort,
    private readonly keys: Pick<DataKeyService, 'forSubjects'>,
    private readonly contents: Pick<ContentStore, 'put'>,
    private readonly hasher: RecordHasher,
    private readonly logger: PipelineLogger = silentLogger,
  ) {}

  async handle(messageIds: readonly string[]): Promise<ProtectJobResult> {
    const versions = await this.store.versionsToProtect(messageIds);
    const prepared = versions.map((v) => this.prepare(v));
    const keys = await this.keys.forSubjects(prepared.map((p) => p.subjectKey));
    const envelopes = prepared.map((p) => {
      const dataKey = keys.get(p.subjectKey)!;
      return sealEnvelope({ keyId: dataKey.id, key: dataKey.key, plaintext: p.canonical, aad: recordAad(p.version) });
    });
    const records: ProtectedRecordInput[] = [];
    if (envelopes.length > 0) {
      const cid = await this.contents.put(Buffer.concat(envelopes));
      let offset = 0;
      prepared.forEach((p, i) => {
        const size = envelopes[i]!.length;
        records.push({
          type: p.version.type,
          id: p.version.id,
          versionId: p.version.versionId,
          messageId: p.version.messageId,
          subjectKey: p.subjectKey,
          dataKeyId: keys.get(p.subjectKey)!.id,
          cid,
          contentOffset: offset,
          contentHash: p.contentHash,
          keyedHash: p.keyedHash,
          sizeBytes: size,
        });
        offset += size;
      });
    }
    const moved = await this.store.recordProtection(records, messageIds);
    if (moved.stored.length + moved.anchored.length < messageIds.length) {
      this.logger.log(`protect job of ${messageIds.length}: ${moved.stored.length} stored, ${moved.anchored.length} with nothing new`);
    }
    return { records: records.length, stored: moved.stored.length, anchored: moved.anchored.length };
  }

  private prepare(version: VersionToProtect): Prepared {
    const resource = JSON.parse(version.content) as Record<string, unknown>;
    const canonical = canonicalBytes(resource);
    const patient = patientOf(resource);
    return {
      version,
      canonical,
      subjectKey: patient === undefined ? SHARED_SUBJECT : this.hasher.pseudonym('Patient', patient),
      contentHash: sha256(canonical).toString('hex'),
      keyedHash: this.hasher.keyedHash(canonical).toString('hex'),
    };
  }
}

/**
 * Binds a ciphertext to its record: a ciphertext moved to another resource or version fails
 * to open. Ids are keyed hashes, so the AAD carries no PHI.
 */
export function recordAad(record: { type: string; id: string; versionId: number }): Buffer {
  return Buffer.from(`${record.type}/${record.id}/_history/${record.versionId}`, 'utf8');
}
