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

/** Content-store puts in flight at once per job: enough to hide IPFS latency, few enough for local disks. */
const PUT_CONCURRENCY = 16;

/**
 * The protect stage: every resource version a converted message wrote is canonicalised
 * (RFC 8785), hashed (SHA-256, and HMAC for the hash that leaves the engine), sealed under its
 * patient's data key and put in the content store. The records and the message status move in
 * one transaction, so a crash between puts and commit only leaves unreferenced ciphertexts
 * behind; a storage fault rejects the job and the queue retries it with backoff, the messages
 * waiting in `converted`.
 */
export class ProtectionWorker {
  constructor(
    private readonly store: ProtectionStorePort,
    private readonly keys: Pick<DataKeyService, 'forSubject'>,
    private readonly contents: Pick<ContentStore, 'put'>,
    private readonly hasher: RecordHasher,
    private readonly logger: PipelineLogger = silentLogger,
  ) {}

  async handle(messageIds: readonly string[]): Promise<ProtectJobResult> {
    const versions = await this.store.versionsToProtect(messageIds);
    const records = new Array<ProtectedRecordInput>(versions.length);
    let next = 0;
    const lane = async (): Promise<void> => {
      while (next < versions.length) {
        const i = next++;
        records[i] = await this.protect(versions[i]!);
      }
    };
    await Promise.all(Array.from({ length: Math.min(PUT_CONCURRENCY, versions.length) }, lane));
    const moved = await this.store.recordProtection(records, messageIds);
    if (moved.stored.length + moved.anchored.length < messageIds.length) {
      this.logger.log(`protect job of ${messageIds.length}: ${moved.stored.length} stored, ${moved.anchored.length} with nothing new`);
    }
    return { records: records.length, stored: moved.stored.length, anchored: moved.anchored.length };
  }

  private async protect(version: VersionToProtect): Promise<ProtectedRecordInput> {
    const resource = JSON.parse(version.content) as Record<string, unknown>;
    const canonical = canonicalBytes(resource);
    const patient = patientOf(resource);
    const subjectKey = patient === undefined ? SHARED_SUBJECT : this.hasher.pseudonym('Patient', patient);
    const dataKey = await this.keys.forSubject(subjectKey);
    const envelope = sealEnvelope({ keyId: dataKey.id, key: dataKey.key, plaintext: canonical, aad: recordAad(version) });
    const cid = await this.contents.put(envelope);
    return {
      type: version.type,
      id: version.id,
      versionId: version.versionId,
      messageId: version.messageId,
      subjectKey,
      dataKeyId: dataKey.id,
      cid,
      contentHash: sha256(canonical).toString('hex'),
      keyedHash: this.hasher.keyedHash(canonical).toString('hex'),
      sizeBytes: envelope.length,
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
